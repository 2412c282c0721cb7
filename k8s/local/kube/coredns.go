package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	// The plugins k8s/local/Corefile uses, and nothing else: no forward (the cluster has no route
	// out, so external names must fail fast), no cloud back ends, no query log.
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/ready"
)

// runCoreDNS starts CoreDNS with the plugin chain in CoreDNS's own execution order (a subset of
// its plugin.cfg; the order matters, so it is not derived from the imports above).
func runCoreDNS() {
	dnsserver.Directives = []string{"bind", "ready", "health", "errors", "loadbalance", "cache", "kubernetes"}
	coremain.Run()
}
