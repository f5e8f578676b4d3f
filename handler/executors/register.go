// Package executors runs the service's jobs over the engine: scan (sharded), generate-iac,
// create-tenant, posture, backup and restore, the create-tenant spec check the API runs
// before a job exists, the MCP servers of /api/v1/mcp, and LazyStore (the graph store opened
// in the background). It is the only package of handler/ that imports engine/
// (internal/archtest): the worker and the API see the engine through worker.Runner,
// worker.Sharded and the functions in httpapi.Deps.
package executors

import (
	"log/slog"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/mcpserver"
	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
)

// Store is the graph store the executors run over (engine/graph.Store), named here so the
// service's wiring needs no engine import.
type Store = graph.Store

// Options are what the executors are built from.
type Options struct {
	Graph  Store
	Logger *slog.Logger
	// AppClientID and ManagedIdentityClientID are the identity scans and deployments
	// authenticate as (config azure_client_id, azure_mi_client_id).
	AppClientID, ManagedIdentityClientID string
	// ARMEndpoint and MSGraphEndpoint: "" = Azure public cloud.
	ARMEndpoint, MSGraphEndpoint string
	// Backups, BackupsContainer and BackupRetentionDays configure the backup jobs.
	Backups             backup.BackupStore
	BackupsContainer    string
	BackupRetentionDays int
	// ShardConcurrency bounds a scan shard's concurrent Azure calls (ATG_WORKER_CONCURRENCY; 0:
	// the engine's default).
	ShardConcurrency int
}

// Register registers every job type's executor over o.Graph.
func Register(reg *worker.Registry, o Options) {
	ident := &azure.Identity{AppClientID: o.AppClientID, ManagedIdentityClientID: o.ManagedIdentityClientID}
	ep := azure.Endpoints{ARM: o.ARMEndpoint, MSGraph: o.MSGraphEndpoint}
	reg.RegisterSharded(jobs.TypeScan, &ScanExecutor{Store: o.Graph, Logger: o.Logger, Identity: ident, Endpoints: ep,
		Concurrency: o.ShardConcurrency})
	reg.RegisterRunner(jobs.TypeGenerateIaC, &IaCExecutor{Store: o.Graph})
	reg.RegisterRunner(jobs.TypePosture, &PostureExecutor{Store: o.Graph})
	reg.RegisterRunner(jobs.TypeCreateTenant, &TenantExecutor{Store: o.Graph, Logger: o.Logger, Identity: ident, Endpoints: ep})
	reg.RegisterRunner(backup.JobTypeBackup, &BackupExecutor{Container: o.BackupsContainer, RestoreEmpty: true,
		Backuper: Backuper{Graph: o.Graph, Store: o.Backups, RetentionDays: o.BackupRetentionDays, Logger: o.Logger}})
	reg.RegisterRunner(backup.JobTypeRestore, &RestoreExecutor{Graph: o.Graph, Store: o.Backups, Logger: o.Logger})
}

// MCPServers returns httpapi.Deps.MCPServer over store: the `atg mcp` tools of one tenant.
func MCPServers(store Store, log *slog.Logger) func(tenantID string) (*mcp.Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(tenantID string) (*mcp.Server, error) {
		return mcpserver.New(mcpserver.Options{Store: store, TenantID: tenantID, Logger: log})
	}
}
