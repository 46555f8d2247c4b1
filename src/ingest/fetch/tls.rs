//! rustls client configurations over ring for the connections Vigie opens besides HTTP
//! (an SMTP relay, a PostgreSQL server): the system's roots through the platform verifier,
//! or the certificate authorities of a PEM file an operator names instead. The caller reads
//! the file, so each can say which key named it.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, pem::PemObject};
use rustls::{ClientConfig, RootCertStore};

/// The certificates of a PEM text, as roots to trust; an error names what is not one.
/// An empty store is the caller's to judge.
pub fn roots_from_pem(pem: &[u8]) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| format!("not a PEM certificate: {e}"))?;
        roots.add(cert).map_err(|e| e.to_string())?;
    }
    Ok(roots)
}

/// A client configuration trusting `roots`, or the system's when `None`.
pub fn client_config(roots: Option<RootCertStore>) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    Ok(match roots {
        Some(roots) => builder.with_root_certificates(roots).with_no_client_auth(),
        None => {
            use rustls_platform_verifier::BuilderVerifierExt;
            builder
                .with_platform_verifier()
                .map_err(|e| e.to_string())?
                .with_no_client_auth()
        }
    })
}
