/**
 * YAML emission for everything Kubernetes reads. Kubernetes parses YAML with YAML 1.1 rules
 * (sigs.k8s.io/yaml), so documents are written with the `yaml` package's 1.1 schema: strings such as
 * `yes`, `on`, `0600` or `1_000` come out quoted and booleans as `true`/`false`. No `%YAML` directive
 * is written (kubeadm does not need one).
 */
import { Document } from "yaml";

/**
 * One YAML document, YAML 1.1-safe.
 *
 * @param value - plain data (no undefined inside arrays)
 */
export function toYaml(value: unknown): string {
    return new Document(value, { version: "1.1" }).toString({ directives: false, lineWidth: 0 });
}

/**
 * Several documents in one stream separated by `---`, as kubeadm's `--config` expects.
 *
 * @param values - one plain object per document
 */
export function toYamlStream(values: unknown[]): string {
    return values.map(toYaml).join("---\n");
}
