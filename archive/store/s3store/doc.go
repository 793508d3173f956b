// Package s3store is the store.Store backend for S3-compatible object storage
// with Object Lock (AWS S3, Ceph RGW, MinIO), built on minio-go.
//
// Each Akte key maps to one S3 key in one bucket. The bucket must have
// versioning and Object Lock enabled and no default retention rule; New
// checks this and refuses to start otherwise (ErrNoObjectLock,
// ErrDefaultRetention), because without them the WORM guarantees of
// store.Store would silently not hold. With Config.CreateBucket, New creates a
// missing bucket with Object Lock enabled.
//
// Invariants:
//
//   - Put is a single PUT (never multipart) with If-None-Match: *, so a key is
//     written at most once and the stored object is never a composite. The
//     SHA-256 of the content is known before the request is sent (from
//     PutOptions.SHA256, or by a first pass over the body), travels as the
//     S3 checksum (x-amz-checksum-sha256, which the server verifies) and as
//     user metadata (returned by Stat and Get as ObjectInfo.SHA256). Small
//     bodies are read and checked in full before the request starts; large
//     ones are checked on the bytes as they are sent, and a mismatch or a body
//     of the wrong length aborts the request before its last byte. Either way
//     a refused Put stores nothing. Objects larger than MaxObjectSize are
//     refused.
//   - Retention and legal hold are set on the PUT itself, never afterwards, so
//     no unlocked window exists.
//   - Every version-changing operation names a version ID. Delete with an
//     empty version resolves the current version first and deletes exactly
//     that version; it never creates a delete marker. Reads by version ID keep
//     working when somebody hides a key behind a delete marker outside Akte.
//   - SetRetention checks the current lock itself (never shorten, never change
//     the mode while in force) and then relies on the server, which has the
//     last word. Server refusals (MinIO's 400 "Object is WORM protected", AWS's
//     403 AccessDenied on a locked version) become store.ErrLocked.
//   - Errors are wrapped once ("put records/x: object is locked (...)") into
//     the store error kinds; no minio-go type is reachable through errors.As.
//
// Limits: List reports Key, VersionID, Size and Created of the newest version
// of each key that is not a delete marker (so a key hidden behind a delete
// marker is still listed); SHA256, Retention and LegalHold are left empty (use
// Stat). Put with an unknown SHA-256 and a large body that cannot seek spools
// it to a temporary file in os.TempDir first. ObjectInfo.Created from Put is
// the local clock at upload (whole seconds); Stat reports the server's time.
// Put to a key hidden behind a delete marker succeeds (the key holds no
// current object) and makes a new version.
//
// This package must never ask for governance bypass, never delete without a
// version ID, never switch on multipart uploads for documents, and never let a
// minio-go type escape its API.
package s3store
