package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/handler/auth"
)

// OpenKeys builds the service's key entries from ATG_API_KEYS (an unresolved Key Vault
// reference: none yet) and, with ATG_API_KEYS_SOURCE, re-reads them every ATG_API_KEYS_TTL.
func OpenKeys(ctx context.Context, cfg *config.Config, log *slog.Logger) (*auth.Keys, error) {
	o := auth.KeysOptions{Environment: cfg.Environment, Initial: cfg.APIKeys, Logger: log}
	if cfg.APIKeysTTL != "" {
		n, err := strconv.Atoi(cfg.APIKeysTTL)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("ATG_API_KEYS_TTL %q: want whole seconds >= 1", cfg.APIKeysTTL)
		}
		o.TTL = time.Duration(n) * time.Second
	}
	if cfg.APIKeysSource != "" {
		var cred azcore.TokenCredential
		if !isFileSource(cfg.APIKeysSource) {
			var err error
			if cfg.StorageClientID != "" { // the Function App's user-assigned identity
				cred, err = azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ID: azidentity.ClientID(cfg.StorageClientID)})
			} else {
				cred, err = azidentity.NewDefaultAzureCredential(nil)
			}
			if err != nil {
				return nil, fmt.Errorf("ATG_API_KEYS_SOURCE credential: %w", err)
			}
		}
		src, err := auth.NewSource(cfg.APIKeysSource, cred, &http.Client{Timeout: 15 * time.Second})
		if err != nil {
			return nil, fmt.Errorf("ATG_API_KEYS_SOURCE: %w", err)
		}
		o.Source = src
	}
	keys, err := auth.NewKeys(ctx, o)
	if err != nil {
		return nil, err
	}
	if st := keys.State(); st.Status != "ok" {
		log.Warn("API keys: "+st.Reason, "status", st.Status)
	}
	return keys, nil
}

func isFileSource(s string) bool { return len(s) >= 5 && s[:5] == "file:" }

func fingerprint(e auth.Entry) string { return fmt.Sprintf("%x", e.Hash[:6]) }
