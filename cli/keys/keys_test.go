package keys

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/handler/auth"
)

func factory(out string) (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer) {
	o, e := &bytes.Buffer{}, &bytes.Buffer{}
	return &cmdutil.Factory{
		IO:     &cmdutil.IOStreams{Out: o, ErrOut: e},
		Config: func() (*config.Config, error) { return &config.Config{Output: out}, nil },
	}, o, e
}

const (
	tenantA = "11111111-2222-3333-4444-555555555555"
	tenantB = "66666666-7777-8888-9999-000000000000"
)

func TestFlags(t *testing.T) {
	f, _, _ := factory("text")
	var got *NewOptions
	cmd := NewCmdNew(f, func(o *NewOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--env", "int", "--name", "alice", "--role", "admin"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Env != "int" || got.Name != "alice" || got.Role != "admin" {
		t.Fatalf("options: %+v", got)
	}
	for _, args := range [][]string{{"--env", "test", "--name", "a", "--tenant", tenantA}, {"--env", "dev"}, {"--env", "dev", "--name", "a", "--role", "root"},
		{"--env", "dev", "--name", "a b", "--tenant", tenantA}, {"--env", "dev", "--name", "a"}, {"--env", "dev", "--name", "a", "--tenant", "*"},
		{"--env", "dev", "--name", "a", "--tenant", "not-a-guid"}} {
		cmd := NewCmdNew(f, func(*NewOptions) error { return nil })
		cmd.SetArgs(args)
		cmd.SetErr(&bytes.Buffer{})
		if err := cmd.Execute(); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

func TestOutputJSONAndText(t *testing.T) {
	f, out, _ := factory("json")
	cmd := NewCmdNew(f, nil)
	cmd.SetArgs([]string{"--env", "dev", "--name", "alice", "--role", "user", "--tenant", tenantA})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var res struct{ Key, Entry string }
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("json: %v %s", err, out)
	}
	entries, err := auth.ParseEntries(res.Entry)
	if err != nil || len(entries) != 1 || strings.Contains(res.Entry, res.Key) {
		t.Fatalf("entry %q: %v", res.Entry, err)
	}
	a, _ := auth.NewAuthenticator("dev", entries)
	if p, err := a.Authenticate(res.Key); err != nil || p.Name != "alice" || p.Role != auth.RoleUser || !p.MayAccess(tenantA) || p.MayAccess(tenantB) {
		t.Fatalf("generated key does not authenticate against its entry: %v", err)
	}

	f, out, errOut := factory("text")
	cmd = NewCmdNew(f, nil)
	cmd.SetArgs([]string{"--env", "prod", "--name", "ci-bot", "--tenant", tenantA, "--tenant", tenantB})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "key:   atg_prod_") || !strings.Contains(out.String(), "entry: ci-bot:user:") ||
		!strings.Contains(out.String(), ":"+tenantA+"+"+tenantB) || errOut.Len() == 0 {
		t.Fatalf("text output: %q / %q", out, errOut)
	}
}
