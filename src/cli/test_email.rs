//! `vigie test-email`: one message through the `[notify]` transport, now.

use super::*;

pub(super) async fn cmd_test_email(path: &Path, to: &str) -> anyhow::Result<()> {
    if to.trim().parse::<lettre::Address>().is_err() {
        bail!("{to:?} is not an email address: write it as name@example.com");
    }
    let to = to.trim();
    let config = config::load(path)?;
    if config.notify.transport == config::Transport::None {
        bail!(
            "no transport in {}: set [notify] smtp = \"smtp://...\" or dir = \"...\"",
            config.path.display()
        );
    }
    let now = Timestamp::now();
    let email = crate::notify::Email {
        subject: "[Vigie] test".into(),
        text: format!(
            "This test message was sent by `vigie test-email` at {now}.\nIf you read it, alerts will reach you."
        ),
        html: format!(
            "<p>This test message was sent by <code>vigie test-email</code> at {now}.</p><p>If you read it, alerts will reach you.</p>"
        ),
    };
    let id = format!(
        "<vigie.test.{}@{}>",
        now.as_nanosecond(),
        config.notify.from.email.domain()
    );
    let message = crate::notify::build(&email, &config.notify.from, to, &id, now)?;
    let sender = crate::notify::send::Sender::new(&config.notify)?;
    let queued = store::QueuedEmail {
        id: 0,
        recipient: to.to_string(),
        message_id: id,
        subject: email.subject,
        message,
        attempts: 0,
    };
    match sender.send(&queued).await {
        Ok(()) => {
            say!("sent to {to} ({})", queued.message_id);
            Ok(())
        }
        Err(e) => bail!(
            "not sent to {to}: {}{}",
            e.message,
            if e.permanent {
                " (refused by the server)"
            } else {
                ""
            }
        ),
    }
}
