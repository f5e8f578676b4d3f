// Package keys implements `atg keys`.
package keys

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/handler/auth"
)

// NewOptions are the flags of `atg keys new`.
type NewOptions struct {
	IO      *cmdutil.IOStreams
	JSON    bool
	Env     string
	Name    string
	Role    string
	Tenants []string
}

// NewCmdKeys returns the `keys` command.
func NewCmdKeys(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create service API keys",
	}
	cmd.AddCommand(NewCmdNew(f, nil))
	return cmd
}

// NewCmdNew returns `keys new`; runF replaces the run function in tests.
func NewCmdNew(f *cmdutil.Factory, runF func(*NewOptions) error) *cobra.Command {
	o := &NewOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "new --env dev|int|prod --name NAME [--role user|admin] --tenant TENANT_ID…",
		Short: "Generate an API key and its ATG_API_KEYS entry (name:role:sha256:tenants)",
		Long: `Generate a new API key. The key is printed once and stored nowhere: give it to its
owner. Add the entry (name:role:sha256 of the key:tenant scope) to the service's ATG_API_KEYS
setting (comma-separated; in Azure, the Key Vault secret it references). Revoke a key by
removing its entry.

--tenant (repeatable) scopes the key: it may scan, generate from, deploy from or into, and read
the jobs of only those tenants. A user key needs at least one; --tenant '*' (all tenants) is for
admin keys only, and an admin key without --tenant gets '*'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Name == "" {
				return cmdutil.Usagef("--name is required")
			}
			if o.Role != string(auth.RoleUser) && o.Role != string(auth.RoleAdmin) {
				return cmdutil.Usagef("--role %q: want user or admin", o.Role)
			}
			if !auth.ValidName(o.Name) {
				return cmdutil.Usagef("--name %q: 1-64 letters, digits, '.', '_', '-', starting with a letter or digit", o.Name)
			}
			switch o.Env {
			case "dev", "int", "prod":
			default:
				return cmdutil.Usagef("--env %q: want dev, int or prod", o.Env)
			}
			if len(o.Tenants) == 0 {
				if o.Role != string(auth.RoleAdmin) {
					return cmdutil.Usagef("--tenant is required for a user key (repeatable; the tenants it may act on)")
				}
				o.Tenants = []string{auth.AllTenants}
			}
			if _, err := auth.ParseScope(auth.Role(o.Role), o.Tenants); err != nil {
				return cmdutil.Usagef("--tenant: %v", err)
			}
			if cfg, err := f.Config(); err == nil {
				o.JSON = cmdutil.WantJSON(cfg)
			}
			if runF != nil {
				return runF(o)
			}
			return newRun(o)
		},
	}
	cmd.Flags().StringVar(&o.Env, "env", "", "environment the key is for: dev, int or prod (required)")
	cmd.Flags().StringVar(&o.Name, "name", "", "key name: the owner recorded on jobs (required)")
	cmd.Flags().StringVar(&o.Role, "role", "user", "role: user (own jobs) or admin (all jobs)")
	cmd.Flags().StringArrayVar(&o.Tenants, "tenant", nil, "tenant id the key may act on (repeatable; '*' = all, admin only)")
	_ = cmd.MarkFlagRequired("env")
	return cmd
}

func newRun(o *NewOptions) error {
	key, entry, err := auth.NewKey(o.Env, o.Name, auth.Role(o.Role), o.Tenants...)
	if err != nil {
		return err
	}
	if o.JSON {
		return cmdutil.PrintJSON(o.IO.Out, map[string]string{"key": key, "entry": entry.String()})
	}
	fmt.Fprintf(o.IO.Out, "key:   %s\nentry: %s\n", key, entry)
	fmt.Fprintln(o.IO.ErrOut, "Give the key to its owner; it is shown only now. Add the entry to ATG_API_KEYS (comma-separated).")
	return nil
}
