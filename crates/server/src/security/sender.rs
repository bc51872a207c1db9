//! The notification sender: a background task that sends the outbox's pending emails over SMTP (`lettre`) and
//! records each attempt. Started by `server::serve` when `security.smtp.host` is set.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use secrecy::ExposeSecret as _;
use store::Store;

use super::config::{SecurityConfig, SmtpTls};

type Transport = AsyncSmtpTransport<Tokio1Executor>;

fn transport(cfg: &SecurityConfig) -> Result<Transport, String> {
    let smtp = &cfg.smtp;
    let builder = match smtp.tls {
        SmtpTls::None => Transport::builder_dangerous(&smtp.host),
        SmtpTls::Starttls => Transport::starttls_relay(&smtp.host).map_err(|e| e.to_string())?,
        SmtpTls::Tls => Transport::relay(&smtp.host).map_err(|e| e.to_string())?,
    };
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(20)));
    if let (Some(user), Some(pass)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            pass.0.expose_secret().to_string(),
        ));
    }
    Ok(builder.build())
}

/// Sends what is pending once; answers how many were sent. `now` stamps the records.
pub async fn send_pending(
    store: &Store,
    cfg: &SecurityConfig,
    now: impl Fn() -> time::OffsetDateTime,
) -> Result<usize, String> {
    let mailer = transport(cfg)?;
    let from: Mailbox = cfg
        .smtp
        .from
        .parse()
        .map_err(|e| format!("security.smtp.from: {e}"))?;
    let pending = store
        .pending_email_notifications(50)
        .await
        .map_err(|e| e.to_string())?;
    let mut sent = 0;
    for n in pending {
        let to: Result<Mailbox, _> = n.address.as_deref().unwrap_or("").parse();
        let result = match to {
            Err(e) => Err(format!("bad address: {e}")),
            Ok(to) => match Message::builder()
                .from(from.clone())
                .to(to)
                .subject(&n.subject)
                .header(lettre::message::header::ContentType::TEXT_PLAIN)
                .body(n.body.clone())
            {
                Err(e) => Err(e.to_string()),
                Ok(msg) => mailer
                    .send(msg)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
            },
        };
        match result {
            Ok(()) => {
                store
                    .mark_notification_sent(&n.id, now())
                    .await
                    .map_err(|e| e.to_string())?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(notification = %n.id, error = %e, "a notification could not be sent");
                store
                    .mark_notification_attempt_failed(&n.id, &e, cfg.smtp.max_attempts)
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(sent)
}

/// Runs until the process stops: sends pending notifications every `poll_interval_ms`.
pub async fn run(store: Store, cfg: SecurityConfig, clock: crate::Clock) {
    let every = Duration::from_millis(cfg.smtp.poll_interval_ms.max(50));
    loop {
        if let Err(e) = send_pending(&store, &cfg, || clock()).await {
            tracing::warn!(error = %e, "the notification sender failed; retrying");
        }
        tokio::time::sleep(every).await;
    }
}
