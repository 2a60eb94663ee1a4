package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"kubetape.dev/testbed/internal/catalog"
)

// Container logs. KWOK serves `kubectl logs` from files, chosen per pod by a namespaced
// `Logs` object named after the pod (its ClusterLogs can only select pods by name, not by
// image). So we write one log file per catalog entry, and a small watcher gives every new
// pod a Logs object that maps each container to the file of its image. The pod owns the
// object, so the garbage collector removes it with the pod.

// logsCRD is the minimum KWOK needs to read Logs objects from the API server.
const logsCRD = `{
  "apiVersion": "apiextensions.k8s.io/v1",
  "kind": "CustomResourceDefinition",
  "metadata": {"name": "logs.kwok.x-k8s.io"},
  "spec": {
    "group": "kwok.x-k8s.io",
    "scope": "Namespaced",
    "names": {"kind": "Logs", "listKind": "LogsList", "plural": "logs", "singular": "logs"},
    "versions": [{
      "name": "v1alpha1", "served": true, "storage": true,
      "subresources": {"status": {}},
      "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}
    }]
  }
}`

func (c *cluster) installLogsCRD(ctx context.Context, sup *supervisor, apiserver *proc) error {
	code, body, err := c.do(http.MethodPost, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", []byte(logsCRD))
	if err != nil || (code != http.StatusCreated && code != http.StatusConflict) {
		return fmt.Errorf("cannot create the KWOK Logs CRD (HTTP %d %v): %s", code, err, apiMessage(body))
	}
	return waitFor(ctx, sup, apiserver, "the KWOK Logs CRD to be served", func() bool {
		code, _, _ := c.get("/apis/kwok.x-k8s.io/v1alpha1/logs")
		return code == 200
	})
}

// writeLogFiles writes each catalog entry's log lines in the CRI log format the kubelet (and
// KWOK) read: "TIME STREAM TAG LINE". Entry i goes to DIR/i.log.
func writeLogFiles(dir string, cat *catalog.Catalog) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	for i, im := range cat.Images {
		var b strings.Builder
		for _, line := range im.Logs {
			fmt.Fprintf(&b, "%s stdout F %s\n", now, line)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.log", i)), []byte(b.String()), 0o600); err != nil {
			return err
		}
	}
	return nil
}

type podMeta struct {
	Metadata struct {
		Name, Namespace, UID, ResourceVersion string
	}
	Spec struct {
		Containers []struct{ Name, Image string }
	}
}

// logsWatcher creates a Logs object for every pod it sees. The first list is done before
// it returns, so pods that exist at readiness time are covered; later pods come by watch.
func (c *cluster) logsWatcher(ctx context.Context, cat *catalog.Catalog, logDir string) error {
	seen := map[string]bool{}
	handle := func(p podMeta) {
		if seen[p.Metadata.UID] {
			return
		}
		seen[p.Metadata.UID] = true
		c.createLogs(p, cat, logDir)
	}
	rv, err := c.listPods(handle)
	if err != nil {
		return err
	}
	stream := &http.Client{Transport: c.client.Transport} // no timeout: watches are long
	go func() {
		for ctx.Err() == nil {
			if rv == "" {
				if rv, err = c.listPods(handle); err != nil {
					time.Sleep(time.Second)
					continue
				}
			}
			rv = c.watchPods(ctx, stream, rv, handle)
		}
	}()
	return nil
}

func (c *cluster) listPods(handle func(podMeta)) (string, error) {
	code, body, err := c.get("/api/v1/pods")
	if err != nil || code != 200 {
		return "", fmt.Errorf("cannot list pods (HTTP %d): %v", code, err)
	}
	var list struct {
		Metadata struct{ ResourceVersion string }
		Items    []podMeta
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return "", err
	}
	for _, p := range list.Items {
		handle(p)
	}
	return list.Metadata.ResourceVersion, nil
}

// watchPods follows pod events from resourceVersion rv until the stream ends; it returns the
// version to resume from, or "" when a fresh list is needed (e.g. the version expired).
func (c *cluster) watchPods(ctx context.Context, stream *http.Client, rv string, handle func(podMeta)) string {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet,
		c.url+"/api/v1/pods?watch=true&timeoutSeconds=600&resourceVersion="+url.QueryEscape(rv), nil)
	req.Header.Set("Authorization", "Bearer "+c.adminToken)
	resp, err := stream.Do(req)
	if err != nil {
		time.Sleep(time.Second)
		return rv
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return ""
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var ev struct {
			Type   string
			Object json.RawMessage
		}
		if err := dec.Decode(&ev); err != nil {
			return rv
		}
		if ev.Type == "ERROR" {
			return ""
		}
		var p podMeta
		if json.Unmarshal(ev.Object, &p) != nil {
			continue
		}
		rv = p.Metadata.ResourceVersion
		if ev.Type == "ADDED" {
			handle(p)
		}
	}
}

// createLogs maps each container whose image is in the catalog to that entry's log file.
// Containers with unknown images get no entry: KWOK then answers `kubectl logs` with an
// error, as the kubelet does for a container that never started.
func (c *cluster) createLogs(p podMeta, cat *catalog.Catalog, logDir string) {
	var logs []map[string]any
	for _, ctr := range p.Spec.Containers {
		if i, ok := cat.Lookup(ctr.Image); ok {
			file := filepath.Join(logDir, fmt.Sprintf("%d.log", i))
			// Every run prints the same lines, so the previous run's log is the same file.
			logs = append(logs, map[string]any{"containers": []string{ctr.Name}, "logsFile": file, "previousLogsFile": file})
		}
	}
	if len(logs) == 0 {
		return
	}
	obj := map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "Logs",
		"metadata": map[string]any{
			"name": p.Metadata.Name, "namespace": p.Metadata.Namespace,
			"ownerReferences": []map[string]any{{"apiVersion": "v1", "kind": "Pod", "name": p.Metadata.Name, "uid": p.Metadata.UID}},
		},
		"spec": map[string]any{"logs": logs},
	}
	body, _ := json.Marshal(obj)
	path := "/apis/kwok.x-k8s.io/v1alpha1/namespaces/" + p.Metadata.Namespace + "/logs"
	code, resp, err := c.do(http.MethodPost, path, body)
	if code == http.StatusConflict {
		// Left over from an earlier pod of the same name that the garbage collector has not
		// removed yet (StatefulSets reuse names): replace it.
		_, _, _ = c.do(http.MethodDelete, path+"/"+p.Metadata.Name, nil)
		code, resp, err = c.do(http.MethodPost, path, body)
	}
	if err != nil || code != http.StatusCreated {
		fmt.Fprintf(os.Stderr, "testbed: cannot set up logs for pod %s/%s (HTTP %d %v): %s\n",
			p.Metadata.Namespace, p.Metadata.Name, code, err, apiMessage(resp))
	}
}
