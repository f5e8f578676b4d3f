// Package configcmd implements `atg config set|get|list|use`: settings and remote profiles in
// ~/.config/atg/config.yaml.
package configcmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
)

var profileKeys = []string{"service_url", "api_key_env", "api_key_file", "tenant_id", "remote"}

// NewCmdConfig returns the `config` command group.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show and edit configuration and remote profiles",
		Long: `Settings resolve as flag > environment (ATG_*) > config file > default.
Profiles (dev, int, prod, …) name a service URL, where the API key comes from (an environment
variable name or a key file — never the key itself) and a default tenant.`,
	}
	var profile string
	set := &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Set a setting, or a profile field with --profile",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			return edit(cfg.File, func(doc map[string]any) error { return setValue(doc, profile, args[0], args[1]) })
		},
	}
	set.Flags().StringVar(&profile, "profile", "", "profile to edit (created when missing)")
	get := &cobra.Command{
		Use:   "get KEY",
		Short: "Print a resolved setting (secrets masked), or a profile field with --profile",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if profile != "" {
				p, ok := cfg.Profiles[profile]
				if !ok {
					return cmdutil.Usagef("profile %q is not defined", profile)
				}
				m := profileMap(p)
				v, ok := m[args[0]]
				if !ok {
					return cmdutil.Usagef("unknown profile field %q (want one of %v)", args[0], profileKeys)
				}
				fmt.Fprintln(f.IO.Out, v)
				return nil
			}
			if _, ok := config.Lookup(args[0]); !ok {
				return cmdutil.Usagef("unknown setting %q (see `atg config list`)", args[0])
			}
			fmt.Fprintln(f.IO.Out, cfg.Redacted()[args[0]])
			return nil
		},
	}
	get.Flags().StringVar(&profile, "profile", "", "read a field of this profile")
	list := &cobra.Command{
		Use:   "list",
		Short: "List resolved settings (secrets masked) and profiles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			active, _, _ := cfg.CurrentProfile()
			if cmdutil.WantJSON(cfg) {
				return cmdutil.PrintJSON(f.IO.Out, map[string]any{"file": cfg.File, "settings": cfg.Redacted(), "profiles": maskedProfiles(cfg.Profiles), "active_profile": active})
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "# %s\n", cfg.File)
			red := cfg.Redacted()
			for _, s := range config.Settings {
				fmt.Fprintf(tw, "%s\t%s\n", s.Key, red[s.Key])
			}
			names := make([]string, 0, len(cfg.Profiles))
			for n := range cfg.Profiles {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				mark := ""
				if n == active {
					mark = " (active)"
				}
				fmt.Fprintf(tw, "\nprofile %s%s\n", n, mark)
				m := profileMap(cfg.Profiles[n])
				for _, k := range profileKeys {
					fmt.Fprintf(tw, "  %s\t%s\n", k, m[k])
				}
			}
			return tw.Flush()
		},
	}
	use := &cobra.Command{
		Use:   "use PROFILE",
		Short: "Make a profile the active one",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if _, ok := cfg.Profiles[args[0]]; !ok {
				return cmdutil.Usagef("profile %q is not defined; create it with `atg config set service_url URL --profile %s`", args[0], args[0])
			}
			if err := edit(cfg.File, func(doc map[string]any) error { doc["active_profile"] = args[0]; return nil }); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "active profile: %s\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(set, get, list, use)
	return cmd
}

// maskedProfiles are the profiles with passwords inside their URLs masked.
func maskedProfiles(ps map[string]config.Profile) map[string]config.Profile {
	out := make(map[string]config.Profile, len(ps))
	for n, p := range ps {
		p.ServiceURL = config.MaskURLPasswords(p.ServiceURL)
		out[n] = p
	}
	return out
}

func profileMap(p config.Profile) map[string]string {
	return map[string]string{"service_url": config.MaskURLPasswords(p.ServiceURL), "api_key_env": p.APIKeyEnv, "api_key_file": p.APIKeyFile,
		"tenant_id": p.TenantID, "remote": strconv.FormatBool(p.Remote)}
}

func setValue(doc map[string]any, profile, key, value string) error {
	if key == "api_key" {
		return cmdutil.Usagef("refusing to store an API key in the config file; use api_key_file or a profile's api_key_env")
	}
	if profile == "" {
		s, ok := config.Lookup(key)
		if !ok {
			return cmdutil.Usagef("unknown setting %q (see `atg config list`)", key)
		}
		if s.Secret {
			return cmdutil.Usagef("%s is secret: set it through the environment (%s), not the config file", key, s.Env[0])
		}
		doc[key] = value
		return nil
	}
	known := false
	for _, k := range profileKeys {
		known = known || k == key
	}
	if !known {
		return cmdutil.Usagef("unknown profile field %q (want one of %v)", key, profileKeys)
	}
	profiles, _ := doc["profiles"].(map[string]any)
	if profiles == nil {
		profiles = map[string]any{}
	}
	p, _ := profiles[profile].(map[string]any)
	if p == nil {
		p = map[string]any{}
	}
	if key == "remote" {
		b, err := strconv.ParseBool(value)
		if err != nil {
			return cmdutil.Usagef("remote must be true or false")
		}
		p[key] = b
	} else {
		p[key] = value
	}
	profiles[profile] = p
	doc["profiles"] = profiles
	return nil
}

// edit loads the YAML file (or starts empty), applies fn, and writes it back atomically (0600).
func edit(path string, fn func(map[string]any) error) error {
	doc := map[string]any{}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return fmt.Errorf("config file %s: %w", path, err)
		}
		if doc == nil {
			doc = map[string]any{}
		}
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if err := fn(doc); err != nil {
		return err
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encoding config: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	return nil
}
