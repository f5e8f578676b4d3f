// Package buildinfo carries the version stamped at link time.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Set with -ldflags "-X github.com/atg-go/atg/internal/buildinfo.Version=... -X ...Commit=...".
var (
	Version = "dev"
	Commit  = ""
)

// Info describes this build.
type Info struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Go      string `json:"go"`
}

// Get returns the build information, falling back to VCS data embedded by the Go toolchain.
func Get() Info {
	c := Commit
	if c == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					c = s.Value
				}
			}
		}
	}
	if c == "" {
		c = "unknown"
	}
	return Info{Version: Version, Commit: c, Go: runtime.Version()}
}
