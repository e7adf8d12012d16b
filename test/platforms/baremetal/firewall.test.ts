/** Bare metal's `firewall` output: the kit's matrix in words, for the site's own firewall. Pure, no mocks. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseClusterConfig } from "../../../components/core/config";
import type { ClusterSpec } from "../../../components/core/types";
import { requiredOpenings } from "../../../components/platforms/baremetal/firewall";

function spec(cni: "cilium" | "calico", sshAllowedCidrs: string[]): ClusterSpec {
    const parsed = parseClusterConfig({
        name: "lab",
        platform: "baremetal",
        cni,
        failureDomains: ["rack-a", "rack-b", "rack-c"],
        access: { apiAllowedCidrs: ["192.0.2.0/24"], sshAllowedCidrs },
    });
    assert.deepEqual(parsed.issues, []);
    return parsed.spec as ClusterSpec;
}

test("every ingress rule of the matrix, one line each: who admits what from whom, and why", () => {
    const openings = requiredOpenings(spec("cilium", ["198.51.100.0/24"]));
    assert.match(openings.etcd, /^the masters admit tcp 2379-2380 from the masters: /);
    assert.match(openings.kubelet, /^every node admits tcp 10250 from every node: /);
    assert.match(openings["cilium-vxlan"], /^every node admits udp 8472 from every node: /);
    assert.match(openings["nodeports-tcp"], /^every node admits tcp 30000-32767 from the hosts' network: /);
    assert.match(openings["api-192-0-2-0-24"], /^the masters admit tcp 6443 from 192\.0\.2\.0\/24: /);
    assert.match(openings["ssh-198-51-100-0-24"], /^every node admits tcp 22 from 198\.51\.100\.0\/24: /);
    assert.ok(
        Object.values(openings).every((line) => !/admits? .* from anywhere/.test(line)),
        "nothing is open to anywhere unless configured",
    );
});

test("the CNI's own ports follow the CNI; no SSH line when SSH is closed", () => {
    const openings = requiredOpenings(spec("calico", []));
    assert.ok(Object.values(openings).some((line) => /IP-in-IP \(protocol 4\) from every node/.test(line)));
    assert.ok(!Object.keys(openings).some((id) => id.startsWith("cilium")));
    assert.ok(!Object.keys(openings).some((id) => id.startsWith("ssh")));
});
