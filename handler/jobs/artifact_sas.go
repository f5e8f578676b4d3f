package jobs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
	"github.com/atg-go/atg/errs"
)

// The Functions host buffers a custom handler's whole response in memory, so artifact
// downloads are redirected to a short-lived, read-only SAS URL of the blob when the storage
// can sign one: an account-key SAS with a shared key (connection string, Azurite), a user
// delegation SAS with a token credential (identity-based storage; the identity needs
// "Storage Blob Delegator" or a data role that includes generateUserDelegationKey).

// MaxArtifactURLTTL bounds the validity of an artifact URL.
const MaxArtifactURLTTL = 15 * time.Minute

// ErrNoSignedURL: the store cannot sign URLs; stream the artifact instead.
var ErrNoSignedURL = errors.New("artifact store cannot sign URLs")

// ArtifactLinker is an ArtifactStore that hands out short-lived read-only URLs.
type ArtifactLinker interface {
	// ReadURL returns a read-only URL of the artifact valid for ttl (at most
	// MaxArtifactURLTTL) and its metadata; NotFound when it does not exist, ErrNoSignedURL
	// when the store cannot sign.
	ReadURL(ctx context.Context, jobID, name string, ttl time.Duration) (string, Artifact, error)
}

var _ ArtifactLinker = (*BlobArtifacts)(nil)

// ReadURL implements ArtifactLinker.
func (s *BlobArtifacts) ReadURL(ctx context.Context, jobID, name string, ttl time.Duration) (string, Artifact, error) {
	if err := ValidArtifactName(name); err != nil {
		return "", Artifact{}, err
	}
	bc := s.c.NewBlobClient(jobID + "/" + name)
	props, err := bc.GetProperties(ctx, nil)
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			return "", Artifact{}, errs.Errorf(errs.NotFound, "artifact %s not found", name)
		}
		return "", Artifact{}, fmt.Errorf("reading artifact %s of %s: %w", name, jobID, err)
	}
	a := Artifact{Name: name, ContentType: deref(props.ContentType), SHA256: metaSHA(props.Metadata)}
	if props.ContentLength != nil {
		a.Size = *props.ContentLength
	}
	u, err := SignBlobReadURL(ctx, bc, s.svc, ttl)
	return u, a, err
}

// SignBlobReadURL returns a read-only URL of bc valid for ttl (at most MaxArtifactURLTTL):
// an account-key SAS when bc has a shared key, else a user delegation SAS through svc (nil:
// ErrNoSignedURL).
func SignBlobReadURL(ctx context.Context, bc *blob.Client, svc *service.Client, ttl time.Duration) (string, error) {
	ttl = min(ttl, MaxArtifactURLTTL)
	now := time.Now().UTC()
	start, expiry := now.Add(-5*time.Minute), now.Add(ttl) // start: tolerate clock skew
	perms := sas.BlobPermissions{Read: true}
	u, err := bc.GetSASURL(perms, expiry, &blob.GetSASURLOptions{StartTime: &start})
	if err == nil {
		return u, nil
	}
	if svc == nil {
		return "", ErrNoSignedURL
	}
	// No shared key: a user delegation SAS, signed with a key the identity obtains.
	udc, err := svc.GetUserDelegationCredential(ctx, service.KeyInfo{
		Start: to.Ptr(start.Format(sas.TimeFormat)), Expiry: to.Ptr(expiry.Format(sas.TimeFormat))}, nil)
	if err != nil {
		return "", fmt.Errorf("%w: user delegation key: %w", ErrNoSignedURL, err)
	}
	parts, err := blob.ParseURL(bc.URL())
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNoSignedURL, err)
	}
	v := sas.BlobSignatureValues{StartTime: start, ExpiryTime: expiry, Permissions: perms.String(),
		ContainerName: parts.ContainerName, BlobName: parts.BlobName}
	if strings.HasPrefix(bc.URL(), "https://") {
		v.Protocol = sas.ProtocolHTTPS
	}
	qp, err := v.SignWithUserDelegation(udc)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNoSignedURL, err)
	}
	return bc.URL() + "?" + qp.Encode(), nil
}
