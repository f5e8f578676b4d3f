package cmdutil

import "github.com/atg-go/atg/errs"

// ExitCode is one row of the exit-code table: the process exit code, what it means, and the
// error codes (package errs; remote errors carry the API's code) that exit with it.
type ExitCode struct {
	Exit    int
	Meaning string
	Codes   []errs.Code
}

// ExitCodes is the one exit-code table of the CLI; README.md "Exit codes" shows the same
// rows (TestExitCodesMatchREADME). Errors without a code are internal (exit 1).
var ExitCodes = []ExitCode{
	{ExitOK, "success", nil},
	{ExitFailure, "error, or a job that failed", []errs.Code{errs.Internal, errs.Failed, errs.Conflict, errs.NotImplemented}},
	{ExitUsage, "usage error: bad flags or arguments, or invalid input (a bad spec, id or request)", []errs.Code{errs.Invalid}},
	{ExitNotFound, "not found: the tenant has no graph, the job or artifact does not exist", []errs.Code{errs.NotFound}},
	{ExitAuth, "not authenticated or not allowed (API key, tenant scope)", []errs.Code{errs.Unauthorized, errs.Forbidden}},
	{ExitUnavailable, "unavailable: the graph store, storage or the service is down or busy; try again later", []errs.Code{errs.Unavailable, errs.RateLimited}},
	{ExitInterrupted, "interrupted (Ctrl-C, SIGTERM) or cancelled", []errs.Code{errs.Canceled}},
}

// exitByCode is derived from ExitCodes (each code in one row: TestExitCodesTable).
var exitByCode = func() map[errs.Code]int {
	m := map[errs.Code]int{}
	for _, row := range ExitCodes {
		for _, c := range row.Codes {
			m[c] = row.Exit
		}
	}
	return m
}()
