// Command go-module-proxy adds one version of a Go module to a module proxy's files, as a Go module proxy serves them
// (https://go.dev/ref/mod#goproxy-protocol): <module>/@v/list, <version>.info, <version>.mod and <version>.zip, the
// zip made by Go's own module tooling (golang.org/x/mod/zip), so that `go` verifies it as it verifies any module. The
// release rehearsal serves these files as the GOPROXY of a fresh Go project (harness/registries/go-proxy.ts).
//
//	go run . -dir <the module's folder> -version v0.1.0 -out <the proxy's root>
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	modzip "golang.org/x/mod/zip"
)

func main() {
	dir := flag.String("dir", "", "the module's folder (its go.mod at the root)")
	version := flag.String("version", "", "the version to add, as v<x.y.z>")
	out := flag.String("out", "", "the proxy's root folder")
	flag.Parse()
	if err := add(*dir, *version, *out); err != nil {
		fmt.Fprintln(os.Stderr, "go-module-proxy:", err)
		os.Exit(1)
	}
}

func add(dir, version, out string) error {
	if !semver.IsValid(version) {
		return fmt.Errorf("-version %q is not a semantic version such as v0.1.0", version)
	}
	goMod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	path := modfile.ModulePath(goMod)
	if path == "" {
		return fmt.Errorf("%s/go.mod names no module", dir)
	}
	escaped, err := module.EscapePath(path)
	if err != nil {
		return err
	}
	versions := filepath.Join(out, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(versions, 0o755); err != nil {
		return err
	}
	base := filepath.Join(versions, version)
	zipFile, err := os.Create(base + ".zip")
	if err != nil {
		return err
	}
	// The zip holds what `go mod download` would: the module's files, without nested modules or vendor folders.
	if err := modzip.CreateFromDir(zipFile, module.Version{Path: path, Version: version}, dir); err != nil {
		zipFile.Close()
		return err
	}
	if err := zipFile.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(base+".mod", goMod, 0o644); err != nil {
		return err
	}
	info, _ := json.Marshal(map[string]string{"Version": version, "Time": time.Now().UTC().Format(time.RFC3339)})
	if err := os.WriteFile(base+".info", info, 0o644); err != nil {
		return err
	}
	return addToList(filepath.Join(versions, "list"), version)
}

// addToList writes the version into the list of the module's versions, once, sorted.
func addToList(list, version string) error {
	text, err := os.ReadFile(list)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	listed := strings.Fields(string(text))
	if !slices.Contains(listed, version) {
		listed = append(listed, version)
	}
	semver.Sort(listed)
	return os.WriteFile(list, []byte(strings.Join(listed, "\n")+"\n"), 0o644)
}
