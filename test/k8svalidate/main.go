// Command k8svalidate reads a JSON array of Kubernetes objects on stdin and prints, as a JSON array,
// every problem the real Kubernetes code finds in them: strict decoding (unknown or duplicate fields,
// wrong types) into the API types of k8s.io/kubernetes v1.36, defaulting, then the API server's own
// validation functions for the kinds it knows (the ones kubeforge renders). Objects of kinds it does not
// know (custom resources) are reported as "unchecked", not as errors, so the caller decides.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/apis/apps"
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	appsval "k8s.io/kubernetes/pkg/apis/apps/validation"
	"k8s.io/kubernetes/pkg/apis/core"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	coreval "k8s.io/kubernetes/pkg/apis/core/validation"
	"k8s.io/kubernetes/pkg/apis/rbac"
	_ "k8s.io/kubernetes/pkg/apis/rbac/install"
	rbacval "k8s.io/kubernetes/pkg/apis/rbac/validation"
	"k8s.io/kubernetes/pkg/apis/storage"
	_ "k8s.io/kubernetes/pkg/apis/storage/install"
	storageval "k8s.io/kubernetes/pkg/apis/storage/validation"
	"k8s.io/kubernetes/pkg/capabilities"
)

type result struct {
	Index     int      `json:"index"`
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	Unchecked bool     `json:"unchecked,omitempty"`
	Errors    []string `json:"errors"`
}

func validate(obj runtime.Object) (field.ErrorList, bool) {
	pod := coreval.PodValidationOptions{}
	switch o := obj.(type) {
	case *apps.DaemonSet:
		return appsval.ValidateDaemonSet(o, pod), true
	case *apps.Deployment:
		return appsval.ValidateDeployment(o, pod), true
	case *core.ServiceAccount:
		return coreval.ValidateServiceAccount(o), true
	case *core.Namespace:
		return coreval.ValidateNamespace(o), true
	case *core.ConfigMap:
		return coreval.ValidateConfigMap(o), true
	case *rbac.ClusterRole:
		return rbacval.ValidateClusterRole(o, rbacval.ClusterRoleValidationOptions{}), true
	case *rbac.ClusterRoleBinding:
		return rbacval.ValidateClusterRoleBinding(o), true
	case *rbac.Role:
		return rbacval.ValidateRole(o), true
	case *rbac.RoleBinding:
		return rbacval.ValidateRoleBinding(o), true
	case *storage.StorageClass:
		return storageval.ValidateStorageClass(o), true
	case *storage.CSIDriver:
		return storageval.ValidateCSIDriver(o), true
	}
	return nil, false
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var objects []json.RawMessage
	if err := json.Unmarshal(input, &objects); err != nil {
		fmt.Fprintln(os.Stderr, "stdin is not a JSON array:", err)
		os.Exit(2)
	}
	// As kubeadm runs kube-apiserver: --allow-privileged=true (CSI node plugins and CNI agents need it).
	capabilities.Initialize(capabilities.Capabilities{AllowPrivileged: true})
	decoder := serializer.NewCodecFactory(legacyscheme.Scheme, serializer.EnableStrict).UniversalDecoder()
	results := []result{}
	for i, raw := range objects {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		_ = json.Unmarshal(raw, &head)
		r := result{Index: i, Kind: head.APIVersion + "/" + head.Kind, Name: head.Metadata.Name, Errors: []string{}}
		obj, _, err := decoder.Decode(raw, nil, nil)
		if err != nil {
			if runtime.IsNotRegisteredError(err) {
				r.Unchecked = true
			} else {
				r.Errors = append(r.Errors, err.Error())
			}
			results = append(results, r)
			continue
		}
		errs, known := validate(obj)
		r.Unchecked = !known
		for _, e := range errs {
			r.Errors = append(r.Errors, e.Error())
		}
		results = append(results, r)
	}
	out, _ := json.Marshal(results)
	fmt.Println(string(out))
}
