// Command testbed-up runs a real Kubernetes control plane on loopback for kubetape's tests:
// etcd, kube-apiserver, kube-controller-manager and kube-scheduler built from the upstream
// Go modules, with KWOK playing the kubelet of the fake nodes. It prints one readiness line
// on stdout and runs until SIGINT/SIGTERM, then stops everything and removes its data.
//
// Normally started through testbed/up, which builds the binaries first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"kubetape.dev/testbed/internal/catalog"
)

const usage = `Usage: testbed/up [--kubeconfig-out FILE] [--catalog FILE] [--nodes FILE]

Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK on 127.0.0.1
and prints one line once kubectl can deploy:
  control plane ready at https://127.0.0.1:PORT (kubeconfig: FILE)
Runs until SIGINT/SIGTERM, then stops every process it started and removes its data.

Flags:
  --kubeconfig-out FILE  where to write the admin kubeconfig (context "testbed");
                         default ~/.kubetape/testbed-kubeconfig
  --catalog FILE         the sandbox image catalog that decides how each image behaves;
                         default examples/sandbox/catalog.yaml of the repository
  --nodes FILE           the fake nodes; default three nodes of 4 CPU / 8Gi / 110 pods
  --write-stages FILE    only translate --catalog into KWOK stages, write them to FILE and exit
`

type options struct {
	binDir, kubeconfigOut, catalogPath, nodesPath, writeStages string
}

func main() {
	var o options
	fs := flag.NewFlagSet("testbed-up", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // we word the errors ourselves
	fs.Usage = func() {}
	home, _ := os.UserHomeDir()
	self, _ := os.Executable()
	fs.StringVar(&o.binDir, "bin-dir", filepath.Dir(self), "folder with the component binaries")
	fs.StringVar(&o.kubeconfigOut, "kubeconfig-out", filepath.Join(home, ".kubetape", "testbed-kubeconfig"), "")
	fs.StringVar(&o.catalogPath, "catalog", "", "")
	defaultCatalog := fs.String("default-catalog", "", "catalog used when --catalog is not given (set by testbed/up)")
	fs.StringVar(&o.nodesPath, "nodes", "", "")
	fs.StringVar(&o.writeStages, "write-stages", "", "")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Print(usage)
			os.Exit(0)
		}
		fmt.Fprintf(os.Stderr, "testbed: %v; see testbed/up --help.\n", err)
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fail("testbed/up takes no arguments (got %q); see testbed/up --help.", fs.Arg(0))
	}
	if o.catalogPath == "" {
		o.catalogPath = *defaultCatalog
	}
	if o.writeStages != "" {
		cat, err := loadCatalog(o.catalogPath)
		if err != nil {
			fail("%v", err)
		}
		if err := os.WriteFile(o.writeStages, catalog.Stages(cat), 0o644); err != nil {
			fail("cannot write %s: %v.", o.writeStages, err)
		}
		return
	}
	os.Exit(run(o))
}

func loadCatalog(path string) (*catalog.Catalog, error) {
	if path == "" {
		fmt.Fprintln(os.Stderr, "testbed: no image catalog given: every image will fail to pull (pass --catalog FILE)")
		return &catalog.Catalog{}, nil
	}
	return catalog.Load(path)
}

// run starts everything, waits for a signal or a dying component, and cleans up. It returns the exit code.
func run(o options) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"} {
		if _, err := os.Stat(filepath.Join(o.binDir, name)); err != nil {
			fmt.Fprintf(os.Stderr, "testbed: %s is not built in %s; run testbed/build first.\n", name, o.binDir)
			return 1
		}
	}
	cat, err := loadCatalog(o.catalogPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testbed: %v\n", err)
		return 1
	}
	nodes, err := loadNodes(o.nodesPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testbed: %v\n", err)
		return 1
	}

	removeStaleDirs()
	dir, err := os.MkdirTemp("", "kubetape-testbed-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "testbed: cannot create a temporary folder: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The pid file lets a later run remove this folder if we are killed without cleaning up.
	_ = os.WriteFile(filepath.Join(dir, "pid"), []byte(strconv.Itoa(os.Getpid())), 0o600)
	logDir := filepath.Join(dir, "logs")
	_ = os.MkdirAll(logDir, 0o700)
	fmt.Fprintf(os.Stderr, "testbed: component logs in %s\n", logDir)

	sup := newSupervisor(logDir)
	defer sup.stopAll(5 * time.Second)

	started := time.Now()
	c, err := startCluster(ctx, sup, o, dir, cat, nodes)
	if err != nil {
		var d *diedError
		switch {
		case errors.As(err, &d):
			reportDeath(d.p)
		case ctx.Err() != nil:
			fmt.Fprintln(os.Stderr, "testbed: interrupted during startup; stopping.")
			return 0
		default:
			fmt.Fprintf(os.Stderr, "testbed: %v (component logs: %s)\n", err, logDir)
		}
		return 1
	}
	fmt.Fprintf(os.Stderr, "testbed: ready after %.1fs\n", time.Since(started).Seconds())
	fmt.Printf("control plane ready at %s (kubeconfig: %s)\n", c.url, o.kubeconfigOut)

	select {
	case <-ctx.Done():
		fmt.Fprintln(os.Stderr, "testbed: stopping.")
		return 0
	case p := <-sup.died:
		reportDeath(p)
		return 1
	}
}

func reportDeath(p *proc) {
	fmt.Fprintf(os.Stderr, "testbed: %s exited unexpectedly (%v); last lines of %s:\n%s\n",
		p.name, p.err, p.logPath, p.logTail(25))
}

// diedError reports a component that exited while we were waiting for it.
type diedError struct{ p *proc }

func (e *diedError) Error() string { return e.p.name + " exited" }

// freePorts asks the kernel for n unused loopback ports. They are released before the
// components bind them; on a quiet test machine nothing else grabs them in between.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// removeStaleDirs deletes the temporary folders of earlier runs that were killed outright
// (SIGKILL leaves no chance to clean up); a folder is stale when the pid it records is gone.
func removeStaleDirs() {
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), "kubetape-testbed-*"))
	for _, d := range matches {
		data, err := os.ReadFile(filepath.Join(d, "pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 0 {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			_ = os.RemoveAll(d)
		}
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "testbed: "+format+"\n", args...)
	os.Exit(1)
}
