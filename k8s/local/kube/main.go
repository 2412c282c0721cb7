// Command kube is one binary for every Kubernetes component the offline test cluster runs
// (k8s/local/cluster.sh), dispatched on the name it is called by (argv[0], through symlinks) or on
// its first argument: kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy,
// kubectl and coredns.
//
// Why a wrapper module: k8s.io/kubernetes points its staging modules at ./staging with replace
// directives, so `go install k8s.io/kubernetes/cmd/...@v1.34.4` is refused; go.mod here pins each
// staging module to its published v0.34.4 instead. One binary instead of six shares the compiled
// client libraries (a cold build is dominated by them) and CoreDNS is built with only the plugins
// the cluster's Corefile uses, against the same client-go.
//
// Why 1.34: kubelet 1.35 and later refuse cgroup v1 by default, and the CI machines are cgroup v1.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
	_ "time/tzdata" // CronJob time zones, as upstream's binaries do
)

var components = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kubelet":                 func() *cobra.Command { return kubelet.NewKubeletCommand(context.Background()) },
	"kube-proxy":              proxy.NewProxyCommand,
}

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args[1:]
	if _, ok := components[name]; !ok && name != "kubectl" && name != "coredns" {
		if len(args) == 0 {
			usage()
		}
		name, args = args[0], args[1:]
	}
	os.Args = append([]string{name}, args...)
	switch name {
	case "kubectl":
		if err := cli.RunNoErrOutput(kubectl.NewDefaultKubectlCommand()); err != nil {
			kubectlutil.CheckErr(err)
		}
	case "coredns":
		runCoreDNS()
	default:
		newCommand, ok := components[name]
		if !ok {
			usage()
		}
		os.Exit(cli.Run(newCommand()))
	}
}

func usage() {
	names := []string{"kubectl", "coredns"}
	for n := range components {
		names = append(names, n)
	}
	fmt.Fprintf(os.Stderr, "usage: kube <%s> [args...]\n", strings.Join(names, "|"))
	os.Exit(64)
}
