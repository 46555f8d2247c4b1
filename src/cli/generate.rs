//! `vigie generate`: the man page and shell completions, from the command line's definition.

use super::*;

/// The man page or a shell's completions for `vigie`, from the clap definition.
pub fn generate(what: Generated) -> anyhow::Result<Vec<u8>> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    let shell = match what {
        Generated::Man => {
            clap_mangen::Man::new(cmd).render(&mut out)?;
            return Ok(out);
        }
        Generated::Bash => clap_complete::Shell::Bash,
        Generated::Zsh => clap_complete::Shell::Zsh,
        Generated::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(shell, &mut cmd, "vigie", &mut out);
    Ok(out)
}
