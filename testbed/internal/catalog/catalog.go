// Package catalog reads the sandbox image catalog (CONTRACT.md, "The sandbox image catalog")
// and turns it into KWOK stages, so that the real control plane's fake kubelet treats each
// image the way the Java sandbox does.
package catalog

import (
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

// Catalog is the parsed catalog file.
type Catalog struct {
	Images []Image `json:"images"`
}

// Image is one catalog entry. Pointers tell "absent" from zero where the default is not zero.
type Image struct {
	Image            string   `json:"image"`            // exact reference; a trailing * matches a prefix
	StartSeconds     *float64 `json:"startSeconds"`     // from container start to running (default 1)
	Ready            *bool    `json:"ready"`            // readiness once running (default true)
	ExitAfterSeconds *float64 `json:"exitAfterSeconds"` // the process exits after this long, if set
	ExitCode         int      `json:"exitCode"`
	MemoryMi         *float64 `json:"memoryMi"` // above the container's memory limit: OOMKilled
	Logs             []string `json:"logs"`
}

// Defaults for fields a catalog entry leaves out.
const defaultStartSeconds = 1.0

func (im Image) prefix() (string, bool) {
	return strings.CutSuffix(im.Image, "*")
}

func (im Image) startSeconds() float64 {
	if im.StartSeconds == nil {
		return defaultStartSeconds
	}
	return *im.StartSeconds
}

func (im Image) ready() bool { return im.Ready == nil || *im.Ready }

// Load reads and checks a catalog file. Unknown fields are ignored on purpose: the catalog
// may grow fields for the sandbox that the testbed does not model.
func Load(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the image catalog (%v); pass an existing file with --catalog.", err)
	}
	var c Catalog
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("the image catalog %s is not valid YAML for the catalog format (%v); see CONTRACT.md.", path, err)
	}
	for i, im := range c.Images {
		switch {
		case im.Image == "" || im.Image == "*":
			return nil, fmt.Errorf("entry %d of %s has no image reference.", i+1, path)
		case strings.Contains(strings.TrimSuffix(im.Image, "*"), "*"):
			return nil, fmt.Errorf("image %q in %s: only a trailing * is supported.", im.Image, path)
		case im.StartSeconds != nil && *im.StartSeconds < 0, im.ExitAfterSeconds != nil && *im.ExitAfterSeconds < 0:
			return nil, fmt.Errorf("image %q in %s: times cannot be negative.", im.Image, path)
		case im.ExitCode < 0 || im.ExitCode > 255:
			return nil, fmt.Errorf("image %q in %s: exitCode must be between 0 and 255.", im.Image, path)
		}
	}
	return &c, nil
}

// Lookup finds the entry for an image reference with the same precedence as the generated
// stages: an exact reference first, else the longest matching prefix (file order breaks ties).
func (c *Catalog) Lookup(image string) (int, bool) {
	best, bestLen := -1, -1
	for i, im := range c.Images {
		p, isPrefix := im.prefix()
		switch {
		case !isPrefix && im.Image == image:
			return i, true
		case isPrefix && strings.HasPrefix(image, p) && len(p) > bestLen:
			best, bestLen = i, len(p)
		}
	}
	return best, best >= 0
}
