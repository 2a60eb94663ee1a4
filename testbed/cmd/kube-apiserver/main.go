// Command kube-apiserver is the upstream API server, linked from k8s.io/kubernetes.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	// Same side-effect registrations as the upstream binary: JSON logging, client-go and version metrics.
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
