package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func load(t *testing.T, text string) *Catalog {
	t.Helper()
	path := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLookupPrefersExactThenLongestPrefix(t *testing.T) {
	c := load(t, `
images:
  - image: "reg/app:*"
  - image: "reg/app:1.0"
  - image: "reg/app:1.*"
  - image: "reg/*"
`)
	for image, want := range map[string]int{"reg/app:1.0": 1, "reg/app:1.5": 2, "reg/app:2": 0, "reg/other": 3, "elsewhere/x": -1} {
		if got, _ := c.Lookup(image); got != want {
			t.Errorf("Lookup(%q) = %d, want %d", image, got, want)
		}
	}
}

func TestLoadRejectsBadEntries(t *testing.T) {
	for _, text := range []string{"images: [{image: ''}]", "images: [{image: 'a*b'}]", "images: [{image: a, exitCode: 300}]", "images: [{image: a, startSeconds: -1}]"} {
		path := filepath.Join(t.TempDir(), "c.yaml")
		_ = os.WriteFile(path, []byte(text), 0o600)
		if _, err := Load(path); err == nil {
			t.Errorf("Load accepted %q", text)
		}
	}
}

// The behaviour itself is checked end to end against KWOK (see README); here: the stages
// file is well-formed and has the stages each kind of entry needs.
func TestStagesPerBehaviour(t *testing.T) {
	c := load(t, `
images:
  - {image: "reg/web:1", startSeconds: 2, ready: true}
  - {image: "reg/crash:1", exitAfterSeconds: 3, exitCode: 1}
  - {image: "reg/big:*", memoryMi: 600}
`)
	docs := strings.Split(string(Stages(c)), "\n---\n")
	names := map[string]Stage{}
	for _, d := range docs {
		var s Stage
		if err := yaml.UnmarshalStrict([]byte(d), &s); err != nil {
			t.Fatalf("stage does not parse: %v\n%s", err, d)
		}
		names[s.Metadata.Name] = s
	}
	for _, want := range []string{"create", "pull-failed", "pull-backoff", "pull-retry", "crash-backoff", "delete",
		"e0-start", "e1-start", "e1-exit", "e1-restart", "e2-start", "e2-oom", "e2-restart"} {
		if _, ok := names["testbed-"+want]; !ok {
			t.Errorf("missing stage testbed-%s", want)
		}
	}
	for _, unwanted := range []string{"e0-exit", "e0-restart", "e0-oom", "e1-oom", "e2-exit"} {
		if _, ok := names["testbed-"+unwanted]; ok {
			t.Errorf("unexpected stage testbed-%s", unwanted)
		}
	}
	if d := names["testbed-e0-start"].Spec.Delay; d == nil || d.DurationMilliseconds != 2000 {
		t.Errorf("e0-start delay = %+v, want 2000ms", d)
	}
	if tpl := names["testbed-e2-oom"].Spec.Next.Patches[0].Template; !strings.Contains(tpl, `"exitCode" 137 "reason" "OOMKilled"`) {
		t.Errorf("e2-oom does not end in OOMKilled:\n%s", tpl)
	}
	if cls := names["testbed-e0-start"].Spec.Selector.MatchExpressions[1].Key; !strings.Contains(cls, `startswith("reg/big:")`) ||
		!strings.Contains(cls, `"e2":629145600`) {
		t.Errorf("classifier misses the prefix entry or its memory:\n%s", cls)
	}
}
