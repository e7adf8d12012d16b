// kubeforge-configcheck judges the KubeletConfiguration and KubeProxyConfiguration of a kubeadm init
// config the way the components themselves will: `kubeadm config validate` decodes them strictly but
// leaves their contents unchecked, so this loads the file with kubeadm's own loader (which applies
// kubeadm's defaults for both components, as `kubeadm init` does), marshals each component config as
// kubeadm would hand it over (the kubelet's config.yaml, kube-proxy's ConfigMap), then decodes it with
// the component's own strict codec (defaulting, conversion to the internal type) and runs the
// component's own validation. The kubelet's two checks of the host's cgroup version are judged for
// kubeforge's nodes (cgroup v2), not for the machine running this.
//
// Usage: kubeforge-configcheck <init-config.yaml>
// Prints one JSON object {"kubelet": [...problems], "kubeProxy": [...problems] | null}; exits 1 when
// any problem was found, 2 when the file cannot be loaded at all.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	libcontainercgroups "github.com/opencontainers/cgroups"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	kubeadmapi "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm"
	"k8s.io/kubernetes/cmd/kubeadm/app/componentconfigs"
	configutil "k8s.io/kubernetes/cmd/kubeadm/app/util/config"
	_ "k8s.io/kubernetes/pkg/features" // registers the Kubernetes feature gates the kubelet validates against
	kubeletscheme "k8s.io/kubernetes/pkg/kubelet/apis/config/scheme"
	kubeletvalidation "k8s.io/kubernetes/pkg/kubelet/apis/config/validation"
	kubeletcodec "k8s.io/kubernetes/pkg/kubelet/kubeletconfig/util/codec"
	proxyconfig "k8s.io/kubernetes/pkg/proxy/apis/config"
	proxyscheme "k8s.io/kubernetes/pkg/proxy/apis/config/scheme"
	proxyvalidation "k8s.io/kubernetes/pkg/proxy/apis/config/validation"
)

type report struct {
	Kubelet   []string `json:"kubelet"`
	KubeProxy []string `json:"kubeProxy"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kubeforge-configcheck <init-config.yaml>")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	// skipCRIDetect: the node's socket is named in the config; nothing here runs a container runtime.
	cfg, err := configutil.BytesToInitConfiguration(data, true)
	if err != nil {
		fail(fmt.Errorf("kubeadm could not load %s: %w", os.Args[1], err))
	}
	out := report{Kubelet: []string{}}
	out.Kubelet = checkKubelet(cfg)
	if _, ok := cfg.ComponentConfigs[componentconfigs.KubeProxyGroup]; ok && !cfg.Proxy.Disabled {
		out.KubeProxy = checkKubeProxy(cfg)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
	if len(out.Kubelet) > 0 || len(out.KubeProxy) > 0 {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(2)
}

// marshalled is the component config exactly as kubeadm would write it for the component.
func marshalled(cfg *kubeadmapi.InitConfiguration, group string) ([]byte, error) {
	cc, ok := cfg.ComponentConfigs[group]
	if !ok {
		return nil, fmt.Errorf("kubeadm produced no %s configuration", group)
	}
	return cc.Marshal()
}

func checkKubelet(cfg *kubeadmapi.InitConfiguration) []string {
	data, err := marshalled(cfg, componentconfigs.KubeletGroup)
	if err != nil {
		return []string{err.Error()}
	}
	_, codecs, err := kubeletscheme.NewSchemeAndCodecs()
	if err != nil {
		return []string{err.Error()}
	}
	// The kubelet's own loader: strict decoding, defaulting, conversion to the internal type.
	kc, err := kubeletcodec.DecodeKubeletConfiguration(context.Background(), codecs, data)
	if err != nil {
		return []string{"kubelet would not load its config: " + err.Error()}
	}
	if !libcontainercgroups.IsCgroup2UnifiedMode() {
		// Two checks read the machine the validation runs on (its cgroup version), not the config:
		// kubeforge's nodes run cgroup v2 (Ubuntu 24.04), so judge the config as such a node's kubelet
		// would. Both fields only matter on cgroup v1 hosts, so clearing them hides nothing else.
		kc.FailCgroupV1 = false
		if kc.SingleProcessOOMKill != nil && !*kc.SingleProcessOOMKill {
			kc.SingleProcessOOMKill = nil
		}
	}
	if err := kubeletvalidation.ValidateKubeletConfiguration(kc, utilfeature.DefaultFeatureGate); err != nil {
		return []string{err.Error()}
	}
	return []string{}
}

func checkKubeProxy(cfg *kubeadmapi.InitConfiguration) []string {
	data, err := marshalled(cfg, componentconfigs.KubeProxyGroup)
	if err != nil {
		return []string{err.Error()}
	}
	obj, _, err := proxyscheme.Codecs.UniversalDecoder().Decode(data, nil, nil)
	if err != nil {
		return []string{"kube-proxy would not load its config: " + err.Error()}
	}
	pc, ok := obj.(*proxyconfig.KubeProxyConfiguration)
	if !ok {
		return []string{fmt.Sprintf("kube-proxy config decoded to %T", obj)}
	}
	problems := []string{}
	for _, e := range proxyvalidation.Validate(pc) {
		problems = append(problems, e.Error())
	}
	return problems
}
