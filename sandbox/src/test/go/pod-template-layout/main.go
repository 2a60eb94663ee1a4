// Command pod-template-layout prints the Go layout of k8s.io/api core/v1 PodTemplateSpec for the
// sandbox's pod-template-hash (PodTemplateDump reads it from pod-template-layout.txt); with "hash"
// it reads {"template": ..., "collisionCount": ...} lines and prints the real ComputeHash of each
// (with "hash x", the dump text too), to check the sandbox against. Regenerate with
//   go run . > ../../../main/resources/dev/kubetape/sandbox/pod-template-layout.txt
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"reflect"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/dump"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/rand"
)

var seen = map[string]reflect.Type{}
var order []string

var special = map[reflect.Type]string{
	reflect.TypeOf(resource.Quantity{}):  "quantity",
	reflect.TypeOf(intstr.IntOrString{}): "intorstring",
	reflect.TypeOf(metav1.Time{}):        "time",
}

func visit(t reflect.Type) {
	s := t.String()
	if prev, ok := seen[s]; ok {
		if prev != t {
			panic("type name collision: " + s)
		}
		return
	}
	seen[s] = t
	order = append(order, s)
	switch t.Kind() {
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			visit(t.Field(i).Type)
		}
	case reflect.Ptr, reflect.Slice, reflect.Array:
		visit(t.Elem())
	case reflect.Map:
		visit(t.Key())
		visit(t.Elem())
	}
}

func describe(t reflect.Type) string {
	_, isSpecial := special[t]
	switch t.Kind() {
	case reflect.Struct:
		var b strings.Builder
		b.WriteString(t.String() + " struct")
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			name := strings.Split(tag, ",")[0]
			if isSpecial {
				name = f.Name
			} else if f.Anonymous && strings.Contains(tag, ",inline") {
				name = ",inline"
			} else if name == "" {
				name = f.Name
			}
			b.WriteString("\n " + f.Name + " " + name + " " + f.Type.String())
		}
		return b.String()
	case reflect.Ptr:
		return t.String() + " ptr " + t.Elem().String()
	case reflect.Slice:
		return t.String() + " slice " + t.Elem().String()
	case reflect.Map:
		return t.String() + " map " + t.Key().String() + " " + t.Elem().String()
	case reflect.String:
		return t.String() + " string"
	case reflect.Bool:
		return t.String() + " bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return t.String() + " int"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return t.String() + " uint"
	case reflect.Float32, reflect.Float64:
		return t.String() + " float"
	case reflect.Array:
		return t.String() + " array " + t.Elem().String()
	}
	panic("unsupported kind " + t.Kind().String() + " of " + t.String())
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "hash" {
		in := bufio.NewScanner(os.Stdin)
		in.Buffer(make([]byte, 1<<20), 1<<24)
		for in.Scan() {
			var line struct {
				Template       v1.PodTemplateSpec `json:"template"`
				CollisionCount *int32             `json:"collisionCount"`
			}
			if err := json.Unmarshal(in.Bytes(), &line); err != nil {
				panic(err)
			}
			h := fnv.New32a()
			h.Reset()
			text := dump.ForHash(line.Template)
			fmt.Fprintf(h, "%v", text)
			if line.CollisionCount != nil {
				b := make([]byte, 8)
				binary.LittleEndian.PutUint32(b, uint32(*line.CollisionCount))
				h.Write(b)
			}
			if len(os.Args) > 2 {
				fmt.Println(text)
			}
			fmt.Println(rand.SafeEncodeString(fmt.Sprint(h.Sum32())))
		}
		return
	}
	visit(reflect.TypeOf(v1.PodTemplateSpec{}))
	fmt.Println("# The Go layout of k8s.io/api v0.34.4 core/v1 PodTemplateSpec, as reflect sees it:")
	fmt.Println("# TYPE KIND [ELEM...]; struct fields indented: GoName jsonName TYPE (jsonName \",inline\" for an\n# embedded struct whose fields the JSON object holds; the Go name for fields without a JSON name, and\n# for resource.Quantity, intstr.IntOrString and v1.Time, whose JSON form is a scalar). Generated; do not edit.")
	for _, s := range order {
		fmt.Println(describe(seen[s]))
	}
}
