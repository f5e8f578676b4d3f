package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/azure"
)

// Flags are the per-command flags of the ExecutionDispatcher.
type Flags struct {
	Remote     bool
	Local      bool
	ServiceURL string
	APIKeyFile string
	APIKey     string // discouraged: visible in shell history and process lists
	// Insecure allows sending the key over plain http:// to a host that is not loopback.
	Insecure bool
}

// AddFlags registers --remote, --local, --service-url, --api-key-file and --api-key on cmd.
func AddFlags(cmd *cobra.Command, fl *Flags) {
	cmd.Flags().BoolVar(&fl.Remote, "remote", false, "run on the ATG service instead of locally [ATG_REMOTE=1]")
	cmd.Flags().BoolVar(&fl.Local, "local", false, "run locally even when remote mode is configured")
	cmd.Flags().StringVar(&fl.ServiceURL, "service-url", "", "service base URL for remote mode [ATG_SERVICE_URL]")
	cmd.Flags().StringVar(&fl.APIKeyFile, "api-key-file", "", "file holding the API key [ATG_API_KEY_FILE]")
	cmd.Flags().StringVar(&fl.APIKey, "api-key", "", "API key (avoid: prefer ATG_API_KEY or --api-key-file)")
	cmd.Flags().BoolVar(&fl.Insecure, "insecure", false, "allow sending the API key over plain http:// to a non-loopback host")
}

// ServiceOnly sets up a command group that runs only on the service (jobs, admin): it registers
// the persistent --service-url, --api-key-file (keyWhat names the key) and --api-key flags and
// returns them, with the client and the -o json choice its subcommands use, both resolved when
// called (flags > environment > profile).
func ServiceOnly(cmd *cobra.Command, f *cmdutil.Factory, keyWhat string) (fl *Flags, client func() (*Client, error), wantJSON func() bool) {
	fl = &Flags{}
	client = func() (*Client, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		c, _, err := fl.Client(cfg, f.IO.ErrOut, f.Logger())
		return c, err
	}
	wantJSON = func() bool { cfg, _ := f.Config(); return cmdutil.WantJSON(cfg) }
	cmd.PersistentFlags().StringVar(&fl.ServiceURL, "service-url", "", "service base URL [ATG_SERVICE_URL]")
	cmd.PersistentFlags().StringVar(&fl.APIKeyFile, "api-key-file", "", "file holding the "+keyWhat+" [ATG_API_KEY_FILE]")
	cmd.PersistentFlags().StringVar(&fl.APIKey, "api-key", "", "API key (avoid: prefer ATG_API_KEY or --api-key-file)")
	return fl, client, wantJSON
}

// Mode validates the dispatcher flags and decides the mode (see IsRemote): --remote with
// --local is a usage error (exit 2).
func (fl *Flags) Mode(cfg *config.Config) (remote bool, err error) {
	if fl.Remote && fl.Local {
		return false, cmdutil.Usagef("--remote and --local exclude each other")
	}
	return fl.IsRemote(cfg), nil
}

// Dispatch runs a command that can run on the service: it decides the mode (Mode), then runs
// remote in remote mode, or local once the remote-only run flags ro are refused. test, the stand-in
// a command's tests pass (runF), gets o instead once the mode flags are valid.
func Dispatch[O any](ctx context.Context, fl *Flags, cfg *config.Config, ro RunOptions, o O, test func(O) error,
	remote func(context.Context, O, *config.Config) error, local func(context.Context, O) error) error {
	isRemote, err := fl.Mode(cfg)
	if err != nil {
		return err
	}
	if test != nil {
		return test(o)
	}
	if isRemote {
		return remote(ctx, o, cfg)
	}
	if err := CheckLocalRunFlags(ro); err != nil {
		return err
	}
	return local(ctx, o)
}

// IsRemote decides the mode: --local wins, then --remote, then ATG_REMOTE / the config,
// then the active profile's `remote` setting. Local is the default.
func (fl *Flags) IsRemote(cfg *config.Config) bool {
	switch {
	case fl.Local:
		return false
	case fl.Remote:
		return true
	case cfg.IsRemote():
		return true
	}
	_, p, ok := cfg.CurrentProfile()
	return ok && p.Remote
}

// Resolved says where the service and key came from (for messages; never the key itself).
type Resolved struct {
	ServiceURL string
	KeySource  string
	Profile    string
	TenantID   string // the profile's default tenant
}

// Client builds a RemoteClient from flags > environment/config > active profile, with a clear
// error naming the missing setting. A key given with --api-key triggers a warning on errOut.
func (fl *Flags) Client(cfg *config.Config, errOut io.Writer, logger *slog.Logger) (*Client, Resolved, error) {
	var r Resolved
	name, prof, hasProf := cfg.CurrentProfile()
	if name != "" && !hasProf {
		return nil, r, cmdutil.Usagef("profile %q is not defined in %s (see `atg config list`)", name, cfg.File)
	}
	r.Profile, r.TenantID = name, prof.TenantID
	r.ServiceURL = firstNonEmpty(fl.ServiceURL, cfg.ServiceURL, prof.ServiceURL)
	if r.ServiceURL == "" {
		where := "--service-url or ATG_SERVICE_URL"
		if name != "" {
			where += fmt.Sprintf(", or `atg config set service_url URL --profile %s`", name)
		}
		return nil, r, cmdutil.Usagef("remote mode needs a service URL: set %s", where)
	}
	if !strings.HasPrefix(r.ServiceURL, "https://") && !strings.HasPrefix(r.ServiceURL, "http://") {
		return nil, r, cmdutil.Usagef("service URL %q must start with https:// (or http:// for a local service)", r.ServiceURL)
	}
	if strings.HasPrefix(r.ServiceURL, "http://") && !azure.IsLoopback(r.ServiceURL) && !fl.Insecure {
		return nil, r, cmdutil.Usagef("service URL %q is plain http:// on a non-loopback host: the API key would cross the network in clear text; use https:// (or --insecure if you must)", r.ServiceURL)
	}
	key, src, err := fl.apiKey(cfg, prof)
	if err != nil {
		return nil, r, err
	}
	if key == "" {
		hint := "ATG_API_KEY, ATG_API_KEY_FILE or --api-key-file"
		if name != "" {
			hint += fmt.Sprintf(", or the profile %q's api_key_env/api_key_file", name)
		}
		return nil, r, cmdutil.Usagef("remote mode needs an API key: set %s", hint)
	}
	if src == "--api-key" {
		fmt.Fprintln(errOut, "warning: --api-key exposes the key in shell history and process lists; use ATG_API_KEY or --api-key-file")
	}
	r.KeySource = src
	c := NewClient(r.ServiceURL, key)
	c.KeySource = src
	if logger != nil {
		c.Logger = logger
	}
	return c, r, nil
}

func (fl *Flags) apiKey(cfg *config.Config, prof config.Profile) (key, source string, err error) {
	readFile := func(path, src string) (string, string, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", "", cmdutil.Usagef("reading API key file (%s): %v", src, err)
		}
		k := strings.TrimSpace(string(b))
		if k == "" {
			return "", "", cmdutil.Usagef("API key file %s is empty", path)
		}
		return k, src, nil
	}
	switch {
	case fl.APIKeyFile != "":
		return readFile(fl.APIKeyFile, "--api-key-file")
	case fl.APIKey != "":
		return fl.APIKey, "--api-key", nil
	case cfg.APIKey != "":
		return cfg.APIKey, "ATG_API_KEY", nil
	case cfg.APIKeyFile != "":
		return readFile(cfg.APIKeyFile, "ATG_API_KEY_FILE")
	case prof.APIKeyEnv != "":
		if v := os.Getenv(prof.APIKeyEnv); v != "" {
			return v, prof.APIKeyEnv, nil
		}
		return "", "", cmdutil.Usagef("the profile's api_key_env names %s, which is not set", prof.APIKeyEnv)
	case prof.APIKeyFile != "":
		return readFile(prof.APIKeyFile, "profile api_key_file")
	}
	return "", "", nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// ErrInterrupted is returned when the user interrupted waiting for a job.
var ErrInterrupted = errors.New("interrupted")
