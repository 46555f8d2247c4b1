//! `vigie backup`: an online copy of the database, checked.

use super::*;

pub(super) fn cmd_backup(path: &Path, file: &Path) -> anyhow::Result<()> {
    let config = config::load(path)?;
    migrate::refuse_postgres(&config)?;
    let store = open_existing_store(&config)?;
    // Said of the copy, not of the database it is made from.
    if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty())
        && !folder.is_dir()
    {
        bail!(
            "backup {}: the folder {} does not exist",
            file.display(),
            folder.display()
        );
    }
    store.backup(file)?;
    let copy = Store::open(file)?;
    let check = copy.integrity_check()?;
    if check != "ok" {
        bail!("backup {}: integrity check failed: {check}", file.display());
    }
    say!(
        "backup written to {}: {}, schema version {}, integrity ok",
        file.display(),
        plural(copy.mention_count()? as usize, "mention"),
        copy.schema_version()?
    );
    Ok(())
}
