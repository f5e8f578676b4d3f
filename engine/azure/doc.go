// Package azure holds ATG's Azure plumbing: credentials (DefaultAzureCredential for real clouds,
// a local unsigned-token credential for loopback simulators only), endpoint configuration, and the
// one retry/throttle policy every client uses.
package azure
