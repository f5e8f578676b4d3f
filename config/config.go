// Package config is ATG's one configuration model, shared by the CLI, the engine's
// callers and the service. Every setting is declared once in Settings; values resolve
// with the precedence flag > environment > config file > default.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config holds resolved settings. All fields are plain values; see Settings for sources.
type Config struct {
	Graph         string // graph store: a file path (embedded store) or bolt://, neo4j:// URI
	Output        string // text | json
	LogLevel      string // debug | info | warn | error
	Neo4jUser     string
	Neo4jPassword string

	TenantID        string
	ARMEndpoint     string // empty = Azure public cloud
	MSGraphEndpoint string // empty = https://graph.microsoft.com
	AzureClientID   string // multi-tenant app registration scans authenticate as (with AzureMIClientID)
	AzureMIClientID string // user-assigned managed identity whose token is the app's federated assertion

	// Service settings.
	Environment       string // dev | int | prod
	Storage           string // full storage connection string (UseDevelopmentStorage=true is expanded)
	StorageAccount    string // identity-based storage connection (AzureWebJobsStorage__accountName)
	StorageClientID   string // user-assigned managed identity for storage (AzureWebJobsStorage__clientId)
	APIKeys           string // comma-separated key entries (name:role:sha256), never keys
	APIKeysSource     string // where the service re-reads the entries: a Key Vault secret URL or file:<path>
	APIKeysTTL        string // seconds between re-reads of APIKeysSource
	ServiceAddr       string // listen address for `atg serve`
	Workers           string // concurrent queue workers in `atg serve`
	Role              string // `atg serve`: all | api | worker
	WorkerConcurrency string // concurrent Azure calls of one scan shard (one queue message)
	CustomHandlerPort string // FUNCTIONS_CUSTOMHANDLER_PORT
	APIRateLimit      string // requests per second per API key (0 = unlimited)
	APIRateBurst      string // burst size of the per-key rate limit
	APIMaxActiveJobs  string // queued + running jobs one API key may have (0 = unlimited)
	StoragePrefix     string // prefix of the service's tables, queues and containers
	BackupRetention   string // days graph backups are kept (0 = until the storage lifecycle rule deletes them)
	InvocationTimeout string // deadline of one queue invocation, below host.json functionTimeout

	// Remote (client) settings.
	Remote     string // "1"/"true" to run commands against the service
	ServiceURL string
	APIKey     string
	APIKeyFile string
	Profile    string // profile name chosen by ATG_PROFILE (else ActiveProfile)

	// Profiles for remote mode, from the config file only.
	ActiveProfile string             `yaml:"active_profile"`
	Profiles      map[string]Profile `yaml:"profiles"`

	// File is the config file that was read (may not exist).
	File string
}

// Profile is a named remote target (dev, int, prod).
type Profile struct {
	ServiceURL string `yaml:"service_url,omitempty" json:"service_url,omitempty"`
	APIKeyEnv  string `yaml:"api_key_env,omitempty" json:"api_key_env,omitempty"`
	APIKeyFile string `yaml:"api_key_file,omitempty" json:"api_key_file,omitempty"`
	TenantID   string `yaml:"tenant_id,omitempty" json:"tenant_id,omitempty"`
	// Remote makes remote mode the default while this profile is active.
	Remote bool `yaml:"remote,omitempty" json:"remote,omitempty"`
}

// Setting declares one configuration value: its config-file key, environment variables
// (first set wins), global flag (if any), default, and whether it is secret.
type Setting struct {
	Key     string
	Env     []string
	Flag    string
	Default func() string
	Help    string
	Secret  bool
	Service bool // read by the service (must be set by the Bicep app settings or have a safe default)
	field   func(*Config) *string
}

func constant(s string) func() string { return func() string { return s } }

// DefaultGraphPath is $XDG_DATA_HOME/atg/graph.db (or ~/.local/share/atg/graph.db).
func DefaultGraphPath() string {
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "atg", "graph.db")
}

// DefaultFile is ~/.config/atg/config.yaml (honouring XDG_CONFIG_HOME).
func DefaultFile() string {
	base := os.Getenv("XDG_CONFIG_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "atg", "config.yaml")
}

// Settings is the table of every setting ATG reads.
var Settings = []Setting{
	{Key: "graph", Env: []string{"ATG_GRAPH", "NEO4J_URI"}, Flag: "graph", Default: DefaultGraphPath, Help: "graph store: a file path (embedded) or a bolt://, neo4j:// URI", Service: true, field: func(c *Config) *string { return &c.Graph }},
	{Key: "output", Env: []string{"ATG_OUTPUT"}, Flag: "output", Default: constant("text"), Help: "output format: text or json", field: func(c *Config) *string { return &c.Output }},
	{Key: "log_level", Env: []string{"ATG_LOG_LEVEL"}, Flag: "log-level", Default: constant("info"), Help: "log level: debug, info, warn, error", Service: true, field: func(c *Config) *string { return &c.LogLevel }},
	{Key: "neo4j_user", Env: []string{"NEO4J_USER"}, Default: constant("neo4j"), Help: "Neo4j user", Service: true, field: func(c *Config) *string { return &c.Neo4jUser }},
	{Key: "neo4j_password", Env: []string{"NEO4J_PASSWORD"}, Default: constant("atg-local-dev"), Help: "Neo4j password (local default for the project's own Neo4j)", Secret: true, Service: true, field: func(c *Config) *string { return &c.Neo4jPassword }},
	{Key: "tenant_id", Env: []string{"ATG_TENANT_ID"}, Default: constant(""), Help: "default tenant id", field: func(c *Config) *string { return &c.TenantID }},
	{Key: "arm_endpoint", Env: []string{"ATG_ARM_ENDPOINT"}, Default: constant(""), Help: "ARM endpoint (empty: Azure public cloud; a loopback URL: the simulator)", Service: true, field: func(c *Config) *string { return &c.ARMEndpoint }},
	{Key: "msgraph_endpoint", Env: []string{"ATG_MSGRAPH_ENDPOINT"}, Default: constant(""), Help: "Microsoft Graph endpoint (empty: https://graph.microsoft.com)", Service: true, field: func(c *Config) *string { return &c.MSGraphEndpoint }},
	{Key: "azure_client_id", Env: []string{"ATG_AZURE_CLIENT_ID"}, Default: constant(""), Help: "client id of ATG's multi-tenant app registration: when set, scans authenticate to the scanned tenant as this app, with the managed identity's token as federated assertion (no secret); empty: DefaultAzureCredential", Service: true, field: func(c *Config) *string { return &c.AzureClientID }},
	{Key: "azure_mi_client_id", Env: []string{"ATG_AZURE_MI_CLIENT_ID"}, Default: constant(""), Help: "client id of the user-assigned managed identity whose token is the federated assertion for azure_client_id (empty: the system-assigned identity)", Service: true, field: func(c *Config) *string { return &c.AzureMIClientID }},
	{Key: "environment", Env: []string{"ATG_ENVIRONMENT"}, Default: constant("dev"), Help: "service environment: dev, int or prod (API keys must carry it)", Service: true, field: func(c *Config) *string { return &c.Environment }},
	{Key: "storage", Env: []string{"AzureWebJobsStorage"}, Default: constant(""), Help: "storage connection string for queues, tables, blobs (UseDevelopmentStorage=true for Azurite)", Secret: true, Service: true, field: func(c *Config) *string { return &c.Storage }},
	{Key: "storage_account", Env: []string{"AzureWebJobsStorage__accountName"}, Default: constant(""), Help: "storage account name for identity-based connections (managed identity)", Service: true, field: func(c *Config) *string { return &c.StorageAccount }},
	{Key: "storage_client_id", Env: []string{"AzureWebJobsStorage__clientId"}, Default: constant(""), Help: "client id of the user-assigned managed identity for storage (empty: DefaultAzureCredential)", Service: true, field: func(c *Config) *string { return &c.StorageClientID }},
	{Key: "api_keys", Env: []string{"ATG_API_KEYS"}, Default: constant(""), Help: "service API key entries name:role:sha256hex[:tenant+tenant…|*] (tenant scope; see atg keys new --tenant), comma-separated", Secret: true, Service: true, field: func(c *Config) *string { return &c.APIKeys }},
	{Key: "api_keys_source", Env: []string{"ATG_API_KEYS_SOURCE"}, Default: constant(""), Help: "service: where API key entries are re-read every api_keys_ttl (a Key Vault secret URL https://<vault>.vault.azure.net/secrets/<name>, read with the managed identity, or file:<path>); empty: api_keys only, read once", Service: true, field: func(c *Config) *string { return &c.APIKeysSource }},
	{Key: "api_keys_ttl", Env: []string{"ATG_API_KEYS_TTL"}, Default: constant("60"), Help: "service: seconds between re-reads of api_keys_source (a new or revoked key takes effect within this time)", Service: true, field: func(c *Config) *string { return &c.APIKeysTTL }},
	{Key: "service_addr", Env: []string{"ATG_SERVICE_ADDR"}, Default: constant("127.0.0.1:8080"), Help: "listen address of `atg serve`", field: func(c *Config) *string { return &c.ServiceAddr }},
	{Key: "workers", Env: []string{"ATG_WORKERS"}, Default: constant("4"), Help: "concurrent queue workers in `atg serve`", field: func(c *Config) *string { return &c.Workers }},
	{Key: "role", Env: []string{"ATG_ROLE"}, Default: constant("all"), Help: "what `atg serve` runs: all (API and queue workers), api (API only, as --no-workers) or worker (queue workers only, no listener, as --worker-only; run several against one storage account and graph to fan a scan's shards out)", field: func(c *Config) *string { return &c.Role }},
	{Key: "worker_concurrency", Env: []string{"ATG_WORKER_CONCURRENCY"}, Default: constant("16"), Help: "service: concurrent Azure calls of one scan shard (one queue message); a worker process makes at most workers x worker_concurrency calls at once", Service: true, field: func(c *Config) *string { return &c.WorkerConcurrency }},
	{Key: "custom_handler_port", Env: []string{"FUNCTIONS_CUSTOMHANDLER_PORT"}, Default: constant(""), Help: "port the Functions host gives the custom handler", Service: true, field: func(c *Config) *string { return &c.CustomHandlerPort }},
	{Key: "api_rate_limit", Env: []string{"ATG_API_RATE_LIMIT"}, Default: constant("10"), Help: "service: requests per second per API key (0 = unlimited)", Service: true, field: func(c *Config) *string { return &c.APIRateLimit }},
	{Key: "api_rate_burst", Env: []string{"ATG_API_RATE_BURST"}, Default: constant("40"), Help: "service: burst size of the per-key rate limit", Service: true, field: func(c *Config) *string { return &c.APIRateBurst }},
	{Key: "api_max_active_jobs", Env: []string{"ATG_API_MAX_ACTIVE_JOBS"}, Default: constant("20"), Help: "service: queued + running jobs one API key may have; beyond it submits answer 429 (0 = unlimited)", Service: true, field: func(c *Config) *string { return &c.APIMaxActiveJobs }},
	{Key: "storage_prefix", Env: []string{"ATG_STORAGE_PREFIX"}, Default: constant("atg"), Help: "service: prefix of its tables, queues (<prefix>-jobs, <prefix>-shards) and containers; functions/*/function.json assume atg", Service: true, field: func(c *Config) *string { return &c.StoragePrefix }},
	{Key: "backup_retention_days", Env: []string{"ATG_BACKUP_RETENTION_DAYS"}, Default: constant("30"), Help: "service: days graph backups (container <prefix>-backups) are kept; older ones are deleted after each backup (0 = never by the service)", Service: true, field: func(c *Config) *string { return &c.BackupRetention }},
	{Key: "invocation_timeout", Env: []string{"ATG_INVOCATION_TIMEOUT"}, Default: constant("25m"), Help: "service: deadline of one queue invocation (Go duration), kept below host.json functionTimeout (30m): a job reaching it fails that attempt and the next delivery resumes", Service: true, field: func(c *Config) *string { return &c.InvocationTimeout }},
	{Key: "remote", Env: []string{"ATG_REMOTE"}, Default: constant(""), Help: "1 to run commands against the service", field: func(c *Config) *string { return &c.Remote }},
	{Key: "service_url", Env: []string{"ATG_SERVICE_URL"}, Default: constant(""), Help: "service base URL for remote mode", field: func(c *Config) *string { return &c.ServiceURL }},
	{Key: "api_key", Env: []string{"ATG_API_KEY"}, Default: constant(""), Help: "API key for remote mode (prefer ATG_API_KEY_FILE)", Secret: true, field: func(c *Config) *string { return &c.APIKey }},
	{Key: "profile", Env: []string{"ATG_PROFILE"}, Default: constant(""), Help: "remote profile to use (overrides active_profile in the config file)", field: func(c *Config) *string { return &c.Profile }},
	{Key: "api_key_file", Env: []string{"ATG_API_KEY_FILE"}, Default: constant(""), Help: "file holding the API key for remote mode", field: func(c *Config) *string { return &c.APIKeyFile }},
}

// LoadOptions says where values come from. Zero values mean: the default file, the process
// environment, no flags.
type LoadOptions struct {
	File   string            // config file path; "" = DefaultFile()
	Flags  map[string]string // flag name -> value, only flags the user set
	Getenv func(string) string
}

// Load resolves the configuration.
func Load(opts LoadOptions) (*Config, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	c := &Config{File: opts.File}
	if c.File == "" {
		c.File = getenv("ATG_CONFIG")
	}
	if c.File == "" {
		c.File = DefaultFile()
	}
	fileVals := map[string]string{}
	if b, err := os.ReadFile(c.File); err == nil {
		var raw map[string]any
		if err := yaml.Unmarshal(b, &raw); err != nil {
			return nil, fmt.Errorf("config file %s: %w", c.File, err)
		}
		if err := yaml.Unmarshal(b, c); err != nil {
			return nil, fmt.Errorf("config file %s: %w", c.File, err)
		}
		for k, v := range raw {
			if k == "profiles" || k == "active_profile" {
				continue
			}
			if !slices.ContainsFunc(Settings, func(s Setting) bool { return s.Key == k }) {
				return nil, fmt.Errorf("config file %s: unknown setting %q", c.File, k)
			}
			fileVals[k] = fmt.Sprint(v)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("reading config file: %w", err)
	}
	for _, s := range Settings {
		v, set := "", false
		if s.Flag != "" {
			v, set = opts.Flags[s.Flag]
		}
		if !set {
			for _, e := range s.Env {
				if ev := getenv(e); ev != "" {
					v, set = ev, true
					break
				}
			}
		}
		if !set {
			v, set = fileVals[s.Key]
		}
		if !set {
			v = s.Default()
		}
		*s.field(c) = v
	}
	c.Storage = ExpandStorage(c.Storage)
	return c, c.Validate()
}

// Validate checks values that have a fixed set of choices.
func (c *Config) Validate() error {
	if !slices.Contains([]string{"text", "json"}, c.Output) {
		return fmt.Errorf("invalid output %q: want text or json", c.Output)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, strings.ToLower(c.LogLevel)) {
		return fmt.Errorf("invalid log level %q: want debug, info, warn or error", c.LogLevel)
	}
	if !slices.Contains([]string{"dev", "int", "prod"}, c.Environment) {
		return fmt.Errorf("invalid environment %q: want dev, int or prod", c.Environment)
	}
	if n, err := strconv.Atoi(c.Workers); err != nil || n < 1 {
		return fmt.Errorf("invalid workers %q: want a positive integer", c.Workers)
	}
	if !slices.Contains([]string{"all", "api", "worker"}, c.Role) {
		return fmt.Errorf("invalid role %q: want all, api or worker", c.Role)
	}
	if n, err := strconv.Atoi(c.WorkerConcurrency); err != nil || n < 1 {
		return fmt.Errorf("invalid worker_concurrency %q: want a positive integer", c.WorkerConcurrency)
	}
	if f, err := strconv.ParseFloat(c.APIRateLimit, 64); err != nil || f < 0 {
		return fmt.Errorf("invalid api_rate_limit %q: want a number >= 0", c.APIRateLimit)
	}
	if n, err := strconv.Atoi(c.APIMaxActiveJobs); c.APIMaxActiveJobs != "" && (err != nil || n < 0) {
		return fmt.Errorf("invalid api_max_active_jobs %q: want an integer >= 0", c.APIMaxActiveJobs)
	}
	if f, err := strconv.ParseFloat(c.APIRateBurst, 64); err != nil || f < 1 {
		return fmt.Errorf("invalid api_rate_burst %q: want a number >= 1", c.APIRateBurst)
	}
	if n, err := strconv.Atoi(c.BackupRetention); err != nil || n < 0 {
		return fmt.Errorf("invalid backup_retention_days %q: want an integer >= 0", c.BackupRetention)
	}
	if !storagePrefixRE.MatchString(c.StoragePrefix) {
		return fmt.Errorf("invalid storage_prefix %q: want 3-20 lower-case letters and digits, starting with a letter", c.StoragePrefix)
	}
	return nil
}

var storagePrefixRE = regexp.MustCompile(`^[a-z][a-z0-9]{2,19}$`)

// WorkerCount returns Workers as an int (validated by Load).
func (c *Config) WorkerCount() int { n, _ := strconv.Atoi(c.Workers); return n }

// IsRemote reports whether remote mode is switched on by configuration.
func (c *Config) IsRemote() bool {
	b, _ := strconv.ParseBool(c.Remote)
	return b || c.Remote == "1"
}

// GraphIsNeo4j reports whether the graph setting names a Neo4j server.
func (c *Config) GraphIsNeo4j() bool {
	for _, p := range []string{"bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://"} {
		if strings.HasPrefix(c.Graph, p) {
			return true
		}
	}
	return false
}

// AzuriteConnectionString is the well-known development storage connection string,
// which the Go SDK needs spelled out (it rejects UseDevelopmentStorage=true).
const AzuriteConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
	"AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
	"BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;" +
	"TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"

// ExpandStorage expands the UseDevelopmentStorage=true shorthand.
func ExpandStorage(s string) string {
	if strings.EqualFold(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ";")), "UseDevelopmentStorage=true") {
		return AzuriteConnectionString
	}
	return s
}

// Redacted returns the settings as key -> value with secrets masked, for `atg config list`:
// secret settings entirely, passwords inside URLs (bolt://user:pw@host, https://user:pw@host)
// of the others.
func (c *Config) Redacted() map[string]string {
	out := map[string]string{}
	for _, s := range Settings {
		v := *s.field(c)
		if s.Secret && v != "" {
			v = "***"
		}
		out[s.Key] = MaskURLPasswords(v)
	}
	return out
}

// urlPasswordRE matches the user:password@ part of a URL (the password is group 2).
var urlPasswordRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@]*):([^@\s]*)@`)

// MaskURLPasswords replaces the password of every URL in s with ***.
func MaskURLPasswords(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlPasswordRE.ReplaceAllString(s, "${1}:***@")
}

// CurrentProfile returns the chosen profile (ATG_PROFILE, else active_profile) and its name.
func (c *Config) CurrentProfile() (string, Profile, bool) {
	name := c.Profile
	if name == "" {
		name = c.ActiveProfile
	}
	if name == "" {
		return "", Profile{}, false
	}
	p, ok := c.Profiles[name]
	return name, p, ok
}

// Lookup returns a setting by its config key.
func Lookup(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

// Value returns the resolved value of a setting.
func (c *Config) Value(s Setting) string { return *s.field(c) }
