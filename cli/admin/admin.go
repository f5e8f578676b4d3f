// Package admin implements `atg admin backups list|create|download|restore` and `atg admin keys`
// against the service, with an admin API key (user keys get 403).
package admin

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/remote"
)

// Options carries what every admin subcommand needs.
type Options struct {
	IO     *cmdutil.IOStreams
	Client func() (*remote.Client, error)
	JSON   func() bool
}

// NewCmdAdmin returns the `admin` command group.
func NewCmdAdmin(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Operate the service: graph backups and restores, API key entries (admin key)",
		Long: `Operator commands against the ATG service (remote mode). They need the service URL and an
admin API key (ATG_API_KEY, --api-key-file or a profile); user keys get 403.`,
	}
	o := &Options{IO: f.IO}
	_, o.Client, o.JSON = remote.ServiceOnly(cmd, f, "admin API key")
	backups := &cobra.Command{
		Use:   "backups",
		Short: "List, create, download and restore graph backups",
	}
	backups.AddCommand(newCmdList(o), newCmdCreate(o), newCmdDownload(o), newCmdRestore(o))
	cmd.AddCommand(backups, newCmdKeys(o))
	return cmd
}

func newCmdList(o *Options) *cobra.Command {
	var tenant string
	cmd := &cobra.Command{
		Use:   "list [--tenant-id T]",
		Short: "List graph backups (by tenant, oldest first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.Client()
			if err != nil {
				return err
			}
			l, err := c.ListBackups(cmd.Context(), tenant)
			if err != nil {
				return err
			}
			if o.JSON() {
				return cmdutil.PrintJSON(o.IO.Out, l)
			}
			tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tCREATED\tNODES\tEDGES\tBYTES")
			for _, b := range l.Backups {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\n", b.Name, b.CreatedAt.UTC().Format(time.RFC3339), b.Nodes, b.Edges, b.Size)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(o.IO.ErrOut, "%d backup(s) in %s, kept %d days\n", len(l.Backups), l.Container, l.RetentionDays)
			return nil
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant-id", "", "only this tenant's backups")
	return cmd
}

// follow waits for a job (progress on stderr) when wait, and prints the job (and result).
func follow(cmd *cobra.Command, o *Options, c *remote.Client, j remote.Job, wait bool) error {
	if !wait {
		if o.JSON() {
			return cmdutil.PrintJSON(o.IO.Out, j)
		}
		fmt.Fprintf(o.IO.Out, "job %s %s\n", j.ID, j.Status)
		fmt.Fprintf(o.IO.ErrOut, "follow it with: atg jobs wait %s\n", j.ID)
		return nil
	}
	asJSON := o.JSON()
	return remote.FollowPrinted(cmd.Context(), o.IO, c, j.ID, remote.RunOptions{JSON: asJSON}, asJSON, func(out remote.Outcome) {
		if len(out.Result) > 0 {
			var pretty any
			if json.Unmarshal(out.Result, &pretty) == nil {
				_ = cmdutil.PrintJSON(o.IO.Out, pretty)
			}
		}
	})
}

func newCmdCreate(o *Options) *cobra.Command {
	var (
		tenants []string
		wait    bool
	)
	cmd := &cobra.Command{
		Use:   "create [--tenant-id T ...] [--wait]",
		Short: "Back up every tenant's graph (or the named ones) to Blob storage now",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.Client()
			if err != nil {
				return err
			}
			j, err := c.CreateBackup(cmd.Context(), tenants, remote.NewIdempotencyKey())
			if err != nil {
				return err
			}
			return follow(cmd, o, c, j, wait)
		},
	}
	cmd.Flags().StringSliceVar(&tenants, "tenant-id", nil, "tenant to back up (repeatable; default: every tenant)")
	cmd.Flags().BoolVar(&wait, "wait", false, "follow the job until it finishes and print its result")
	return cmd
}

func newCmdDownload(o *Options) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "download TENANT/FILE.json.gz [--output-file FILE|-]",
		Short: "Download one backup (sha256 verified); restore it locally with atg graph import",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if output == "" {
				output = filepath.Base(name)
			}
			c, err := o.Client()
			if err != nil {
				return err
			}
			var w io.Writer = o.IO.Out
			var f *os.File
			if output != "-" {
				if f, err = os.CreateTemp(filepath.Dir(output), ".atg-backup-*"); err != nil {
					return err
				}
				defer os.Remove(f.Name()) // after the rename: a no-op
				w = f
			}
			sum, n, err := c.DownloadBackup(cmd.Context(), name, w)
			if f != nil {
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err == nil {
					err = os.Rename(f.Name(), output)
				}
			}
			if err != nil {
				return err
			}
			if output != "-" {
				if o.JSON() {
					return cmdutil.PrintJSON(o.IO.Out, remote.Download{Name: name, Path: output, Size: n, SHA256: sum})
				}
				fmt.Fprintf(o.IO.Out, "downloaded %s to %s (%d bytes, sha256 %s)\n", name, output, n, sum)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&output, "output-file", "", "file to write (default: the backup's file name; - for stdout)")
	return cmd
}

func newCmdRestore(o *Options) *cobra.Command {
	var (
		req  remote.RestoreRequest
		all  bool
		wait bool
	)
	cmd := &cobra.Command{
		Use:   "restore (--all | --tenant-id T ... | --backup TENANT/FILE ...) [--replace] [--wait]",
		Short: "Restore graphs in the service's store from backups (newest per tenant, or named ones)",
		Long: `Restore tenants' graphs in the service's graph store from Blob backups: --all restores every
tenant that has a backup from its newest one (after Neo4j lost its store); --tenant-id picks
tenants (newest backup each); --backup names exact backups. Tenants that already have a graph
are skipped unless --replace, which deletes their graph first. The result compares the restored
node and edge counts with the backup's.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			some := len(req.TenantIDs) > 0 || len(req.Backups) > 0
			if all == some {
				return cmdutil.Usagef("say what to restore: --all, or --tenant-id and/or --backup")
			}
			c, err := o.Client()
			if err != nil {
				return err
			}
			j, err := c.Restore(cmd.Context(), req, remote.NewIdempotencyKey())
			if err != nil {
				return err
			}
			return follow(cmd, o, c, j, wait)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "every tenant that has a backup, from its newest")
	cmd.Flags().StringSliceVar(&req.TenantIDs, "tenant-id", nil, "tenant to restore from its newest backup (repeatable)")
	cmd.Flags().StringSliceVar(&req.Backups, "backup", nil, "exact backup to restore, TENANT/FILE.json.gz (repeatable)")
	cmd.Flags().BoolVar(&req.Replace, "replace", false, "delete a tenant's current graph first (default: skip tenants that have one)")
	cmd.Flags().BoolVar(&wait, "wait", false, "follow the job until it finishes and print its result")
	return cmd
}

func newCmdKeys(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "keys",
		Short: "List the service's API key entries: names, roles, fingerprints (never keys)",
		Long: `List the key entries the service accepts right now (it re-reads them every ATG_API_KEYS_TTL):
owner name, role and the first 12 hex digits of the key's SHA-256, which tells two keys of one
owner apart. Add and revoke entries in the Key Vault secret atg-api-keys (docs/operations.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.Client()
			if err != nil {
				return err
			}
			l, err := c.ListKeys(cmd.Context())
			if err != nil {
				return err
			}
			if o.JSON() {
				return cmdutil.PrintJSON(o.IO.Out, l)
			}
			tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tROLE\tFINGERPRINT\tSCOPES")
			for _, k := range l.Keys {
				scopes := "-"
				if len(k.Scopes) > 0 {
					scopes = strings.Join(k.Scopes, ",")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.Name, k.Role, k.Fingerprint, scopes)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(o.IO.ErrOut, "%d entr(ies), status %s\n", len(l.Keys), l.Status)
			for _, w := range l.Warnings {
				fmt.Fprintf(o.IO.ErrOut, "warning: %s\n", w)
			}
			return nil
		},
	}
}
