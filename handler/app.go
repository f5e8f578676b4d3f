// Package handler is the ATG service's wiring: NewApp opens storage and keys and builds the
// API (handler/httpapi), the worker (handler/worker) and the executors (handler/executors);
// NewFunctionsHandler serves the Azure Functions custom-handler protocol (the probe, queue
// and timer invocations) around the API; Gate holds everything until storage is open.
package handler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/executors"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
	"github.com/atg-go/atg/internal/buildinfo"
)

// AppOptions are what a service instance is built from.
type AppOptions struct {
	Config *config.Config
	Logger *slog.Logger
	// Graph is the opened graph store; nil when it could not be opened (GraphErr says why):
	// the API still serves job status, health reports the graph down, and scans are not offered.
	Graph    executors.Store
	GraphErr error
}

// App is one service instance: storage, the API router and the worker.
type App struct {
	Azure  *jobs.Azure
	API    http.Handler
	Worker *worker.Worker
	Deps   httpapi.Deps
}

type errPinger struct{ err error }

func (p errPinger) Ping(context.Context) error { return p.err }

// NewApp connects to storage (creating tables, queues and containers if missing) and
// builds the API and the worker from configuration.
func NewApp(ctx context.Context, o AppOptions) (*App, error) {
	cfg, log := o.Config, o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	names := jobs.Names{Prefix: cfg.StoragePrefix}
	var (
		az  *jobs.Azure
		err error
	)
	switch {
	case cfg.Storage != "":
		az, err = jobs.OpenAzureConnectionString(ctx, cfg.Storage, names)
	case cfg.StorageAccount != "":
		var cred azcore.TokenCredential
		var cerr error
		if cfg.StorageClientID != "" { // the Function App's user-assigned identity
			cred, cerr = azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ID: azidentity.ClientID(cfg.StorageClientID)})
		} else {
			cred, cerr = azidentity.NewDefaultAzureCredential(nil)
		}
		if cerr != nil {
			return nil, fmt.Errorf("storage credential: %w", cerr)
		}
		az, err = jobs.OpenAzureAccount(ctx, cfg.StorageAccount, cred, names)
	default:
		return nil, errors.New("no storage configured: set AzureWebJobsStorage (UseDevelopmentStorage=true for Azurite) or AzureWebJobsStorage__accountName")
	}
	if err != nil {
		return nil, &StorageUnavailableError{fmt.Errorf("opening storage: %w", err)}
	}
	keys, err := httpapi.OpenKeys(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	rate, _ := strconv.ParseFloat(cfg.APIRateLimit, 64)
	burst, _ := strconv.ParseFloat(cfg.APIRateBurst, 64)

	retention := backup.DefaultBackupRetentionDays
	if cfg.BackupRetention != "" {
		if retention, err = strconv.Atoi(cfg.BackupRetention); err != nil || retention < 0 {
			return nil, fmt.Errorf("ATG_BACKUP_RETENTION_DAYS %q: want an integer >= 0", cfg.BackupRetention)
		}
	}
	invTimeout := worker.DefaultInvocationTimeout
	if cfg.InvocationTimeout != "" {
		if invTimeout, err = time.ParseDuration(cfg.InvocationTimeout); err != nil || invTimeout <= 0 {
			return nil, fmt.Errorf("ATG_INVOCATION_TIMEOUT %q: want a positive duration such as 25m", cfg.InvocationTimeout)
		}
	}
	shardConcurrency := 0 // engine default
	if cfg.WorkerConcurrency != "" {
		if shardConcurrency, err = strconv.Atoi(cfg.WorkerConcurrency); err != nil || shardConcurrency < 1 {
			return nil, fmt.Errorf("ATG_WORKER_CONCURRENCY %q: want a positive integer", cfg.WorkerConcurrency)
		}
	}
	backupsContainer := backup.BackupsContainer(cfg.StoragePrefix)
	backups, err := backup.OpenBlobBackups(ctx, az.Blobs, backupsContainer)
	if err != nil {
		return nil, &StorageUnavailableError{fmt.Errorf("opening storage: %w", err)}
	}

	reg := worker.NewRegistry()
	var (
		pinger    httpapi.Pinger
		mcpServer func(string) (*mcp.Server, error)
	)
	switch {
	case o.Graph != nil:
		pinger = o.Graph
		executors.Register(reg, executors.Options{Graph: o.Graph, Logger: log,
			AppClientID: cfg.AzureClientID, ManagedIdentityClientID: cfg.AzureMIClientID,
			ARMEndpoint: cfg.ARMEndpoint, MSGraphEndpoint: cfg.MSGraphEndpoint,
			Backups: backups, BackupsContainer: backupsContainer, BackupRetentionDays: retention,
			ShardConcurrency: shardConcurrency})
		mcpServer = executors.MCPServers(o.Graph, log)
	case o.GraphErr != nil:
		pinger = errPinger{o.GraphErr}
	}
	maxActive := httpapi.DefaultMaxActiveJobs
	if cfg.APIMaxActiveJobs != "" {
		if maxActive, err = strconv.Atoi(cfg.APIMaxActiveJobs); err != nil || maxActive < 0 {
			return nil, fmt.Errorf("ATG_API_MAX_ACTIVE_JOBS %q: want an integer >= 0", cfg.APIMaxActiveJobs)
		}
	}
	deps := httpapi.Deps{Backend: az.Backend, Auth: keys, Keys: keys, Limiter: auth.NewLimiter(rate, burst), AnonLimiter: httpapi.NewAnonLimiter(), MaxActiveJobs: maxActive, Executors: reg,
		Graph: pinger, MCPServer: mcpServer, CheckSpec: executors.CheckSpec, Logger: log, Environment: cfg.Environment, Version: buildinfo.Get().Version, Now: time.Now,
		Backups: backups, BackupsContainer: backupsContainer, BackupRetentionDays: retention}
	return &App{
		Azure:  az,
		API:    httpapi.NewRouter(deps),
		Worker: &worker.Worker{Backend: az.Backend, Executors: reg, Logger: log, InvocationTimeout: invTimeout},
		Deps:   deps,
	}, nil
}

// Poller returns the `atg serve` queue poller over the jobs and shards queues.
func (a *App) Poller(workers int, visibility time.Duration) *worker.Poller {
	n := a.Azure.Names
	mk := func(q string) worker.PolledQueue {
		return worker.PolledQueue{Client: a.Azure.QueueClient(q), Poison: a.Azure.QueueClient(jobs.PoisonQueue(q)),
			Handle: a.Worker.Process, OnPoison: a.Worker.Poison}
	}
	return &worker.Poller{Queues: []worker.PolledQueue{mk(n.JobsQueue()), mk(n.ShardsQueue())}, Workers: workers,
		VisibilityTimeout: visibility, MaxDequeueCount: worker.DefaultMaxDequeueCount, Logger: a.Deps.Logger}
}
