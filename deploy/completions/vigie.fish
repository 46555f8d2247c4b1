# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_vigie_global_optspecs
    string join \n c/config= log-format= h/help V/version
end

function __fish_vigie_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_vigie_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_vigie_using_subcommand
    set -l cmd (__fish_vigie_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c vigie -n "__fish_vigie_needs_command" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_needs_command" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vigie -n "__fish_vigie_needs_command" -s V -l version -d 'Print version'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "run" -d 'Run the daemon: poll each source when it is due, until SIGINT or SIGTERM'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "poll" -d 'Poll every source now, once, and print what happened. Exit code 1 when a source failed or its poll could not be stored'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "check" -d 'Check the config, the watchlists and the database (read only) and print a summary. Exit code 2 on a config or watchlist error, 1 on a database that is damaged or newer than this vigie'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "mentions" -d 'List stored mentions, newest first'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "alerts" -d 'List alerts, newest first, with their state and their emails\' fate'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "backtest" -d 'Replay spike detection over the stored mentions and print the alerts that would have fired, without storing or sending anything: to tune a watchlist\'s `[alerts]`'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "digest" -d 'Render a watchlist\'s digest: to an HTML file to open in a browser (`--preview`), or queue it and send it now (`--send`)'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "generate" -d 'Print the man page (roff) or a shell\'s completions, generated from this command line; packaging writes them to `deploy/`'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "export" -d 'Write every stored mention (full text, sentiment, story) to stdout, oldest first'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "triage" -d 'Decide about a mention as the workspace does: its state (handled, irrelevant, new), a corrected sentiment or risk, a note. A decision about a story\'s first mention applies to its copies'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "passwd" -d 'Make the password hash of a workspace user (`[[web.user]] password_hash`): reads the password from standard input (twice when it is a terminal) and prints the hash'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "token" -d 'API tokens for `/api/v1`'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "migrate" -d 'Copy every table of a SQLite database into PostgreSQL and verify each (row counts and checksums), all in one transaction: nothing is half copied. Run it again to bring the target level with the file; the target\'s schema is created or upgraded'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "backup" -d 'Write a consistent copy of the database to FILE, online (the daemon may be running), and check it. Never overwrites a file'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "import-opml" -d 'Add the feeds of an OPML export (miniflux, Feedly, Inoreader...) to a watchlist as `[[source]]` entries with their names; feeds already listed are skipped'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "test-email" -d 'Send one test email to TO through the configured `[notify]` transport, now'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "test-channel" -d 'Post a test message to a watchlist\'s chat channels (or one of them) and say what each answered'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "report" -d 'Reports over the stored mentions'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "sources" -d 'Show each source\'s health: last success, last error, consecutive errors, next check'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "match" -d 'Try a query: read texts on stdin, one per line, and print `1<TAB>matched terms` or `0` for each, with the same matcher the daemon uses'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "sentiment" -d 'Score texts: read them on stdin, one per line, and print one sentiment score in [-1, 1] per line, in order, and nothing else. Needs no config'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "parse" -d 'Parse one feed (a file or a URL) and print its items as JSON lines, as they would be stored before matching. Uses the config\'s HTTP settings when the config file exists'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "try-source" -d 'Try CSS selectors on a forum or blog page (a file or a URL) and show what each item yields, to set up a `kind = "html"` source without guessing'
complete -c vigie -n "__fish_vigie_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vigie -n "__fish_vigie_using_subcommand run" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand run" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand run" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand poll" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand poll" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand poll" -l once -d 'One pass over all sources, then exit (the default; kept explicit for scripts)'
complete -c vigie -n "__fish_vigie_using_subcommand poll" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand check" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand check" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand check" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -l brand -d 'Only this brand (accents and case ignored)' -r
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -l since -d 'Only mentions published since: a duration back from now (`7d`, `12h`) or a date (`2026-11-01`)' -r
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -l search -d 'Find mentions with the watchlists\' query language: words (other forms found too: `frein` finds "freins"), "exact phrases", `word*`, AND, OR, -word, NEAR/n, title:, site:, lang:. Accents and case ignored, except with case:' -r
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -l sentiment -d 'Only mentions with this sentiment: negative, neutral or positive' -r
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -l risk -d 'Only mentions reporting this reputation risk: safety, legal, data, social, financial, environment, service or controversy' -r
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -l state -d 'Only mentions in this triage state: new, handled, irrelevant, or all. Without it: every mention but the irrelevant ones' -r -f -a "new\t''
handled\t''
irrelevant\t''
all\t''"
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -l limit -d 'Most mentions to list' -r
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -l sort -d '`newest` first, or the most `engagement` first (likes, shares, comments, points, as social sources count them)' -r -f -a "newest\t'Newest first'
engagement\t'Most interactions first'"
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -l format -r -f -a "table\t''
json\t'One JSON object per line'
csv\t''"
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand mentions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and not __fish_seen_subcommand_from ack help" -l format -r -f -a "table\t''
json\t'One JSON object per line'"
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and not __fish_seen_subcommand_from ack help" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and not __fish_seen_subcommand_from ack help" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and not __fish_seen_subcommand_from ack help" -l open -d 'Only the open ones'
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and not __fish_seen_subcommand_from ack help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and not __fish_seen_subcommand_from ack help" -f -a "ack" -d 'Mark an alert acknowledged (someone is on it): shown in `vigie alerts`, the digest and the alert\'s later emails'
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and not __fish_seen_subcommand_from ack help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and __fish_seen_subcommand_from ack" -l note -d 'What is being done about it' -r
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and __fish_seen_subcommand_from ack" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and __fish_seen_subcommand_from ack" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and __fish_seen_subcommand_from ack" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "ack" -d 'Mark an alert acknowledged (someone is on it): shown in `vigie alerts`, the digest and the alert\'s later emails'
complete -c vigie -n "__fish_vigie_using_subcommand alerts; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vigie -n "__fish_vigie_using_subcommand backtest" -l since -d 'How far back: a duration (`30d`) or a date (`2026-11-01`)' -r
complete -c vigie -n "__fish_vigie_using_subcommand backtest" -l sensitivity -d 'Use this sensitivity for every brand instead of its watchlist\'s' -r -f -a "low\t''
balanced\t''
high\t''"
complete -c vigie -n "__fish_vigie_using_subcommand backtest" -l brand -d 'Only this brand' -r
complete -c vigie -n "__fish_vigie_using_subcommand backtest" -l format -r -f -a "table\t''
json\t'One JSON object per line'"
complete -c vigie -n "__fish_vigie_using_subcommand backtest" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand backtest" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand backtest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vigie -n "__fish_vigie_using_subcommand digest" -l watchlist -d 'The watchlist (its file name without `.toml`); needed when there are several' -r
complete -c vigie -n "__fish_vigie_using_subcommand digest" -l date -d 'The digest sent on that day (`2026-11-23`, `23/11/2026`, `yesterday`, `hier`): its period ends at that day\'s send time. Without it: from the last send time to now' -r
complete -c vigie -n "__fish_vigie_using_subcommand digest" -l preview -d 'Write the HTML, charts included, to this file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand digest" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand digest" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand digest" -l send -d 'Queue one email per recipient and deliver them now. A digest of a day already sent is not sent again'
complete -c vigie -n "__fish_vigie_using_subcommand digest" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand generate" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand generate" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand generate" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand export" -l since -d 'Only mentions published since: a duration back from now (`30d`) or a date' -r
complete -c vigie -n "__fish_vigie_using_subcommand export" -l format -d '`csv` (a header line, then one line per mention) or `json` (one object per line)' -r -f -a "csv\t''
json\t''"
complete -c vigie -n "__fish_vigie_using_subcommand export" -l brand -d 'Only this brand (case and accents ignored; part of the name will do)' -r
complete -c vigie -n "__fish_vigie_using_subcommand export" -l delimiter -d 'The CSV field separator: `,` (default) or `;` (a spreadsheet in French)' -r
complete -c vigie -n "__fish_vigie_using_subcommand export" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand export" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand export" -l bom -d 'Start the CSV with a UTF-8 byte order mark, so that a spreadsheet reads accents'
complete -c vigie -n "__fish_vigie_using_subcommand export" -l excel -d 'For Excel: `--delimiter \';\' --bom`'
complete -c vigie -n "__fish_vigie_using_subcommand export" -l corrections -d 'Instead of the mentions, the sentiment and risk people corrected in the workspace, beside the computed ones, with the mention\'s text: the material to improve the lexicons'
complete -c vigie -n "__fish_vigie_using_subcommand export" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand triage" -l sentiment -d 'The sentiment as you read it: negative, neutral or positive' -r
complete -c vigie -n "__fish_vigie_using_subcommand triage" -l risk -d 'The risk as you read it: none, or a category (safety, legal, data...)' -r
complete -c vigie -n "__fish_vigie_using_subcommand triage" -l note -d 'A note kept in the mention\'s history' -r
complete -c vigie -n "__fish_vigie_using_subcommand triage" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand triage" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand triage" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand passwd" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand passwd" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand passwd" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "create" -d 'Make a token, print it once (only its SHA-256 is kept)'
complete -c vigie -n "__fish_vigie_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "list" -d 'List tokens (never the tokens themselves)'
complete -c vigie -n "__fish_vigie_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "revoke" -d 'Revoke a token by its id'
complete -c vigie -n "__fish_vigie_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from create" -l role -d 'viewer (reads), editor (also triages and acknowledges) or admin' -r -f -a "viewer\t''
editor\t''
admin\t''"
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from create" -l name -d 'What it is for, shown in `vigie token list` and in mentions\' history' -r
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from create" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from create" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from list" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from list" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from revoke" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from revoke" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "create" -d 'Make a token, print it once (only its SHA-256 is kept)'
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "list" -d 'List tokens (never the tokens themselves)'
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a token by its id'
complete -c vigie -n "__fish_vigie_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vigie -n "__fish_vigie_using_subcommand migrate" -l from -d 'The SQLite database to copy (stop the daemon first, or copy a backup)' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand migrate" -l to -d 'The PostgreSQL database (`postgres://user@host/db`, no password: it comes from the config\'s `[postgres] password_file`). Without it: the config\'s `database`' -r
complete -c vigie -n "__fish_vigie_using_subcommand migrate" -l format -r -f -a "table\t''
json\t'One JSON object per line'"
complete -c vigie -n "__fish_vigie_using_subcommand migrate" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand migrate" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vigie -n "__fish_vigie_using_subcommand backup" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand backup" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand backup" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand import-opml" -l watchlist -d 'The watchlist to add them to (its file name without `.toml`); needed when there are several' -r
complete -c vigie -n "__fish_vigie_using_subcommand import-opml" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand import-opml" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand import-opml" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand test-email" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand test-email" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand test-email" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand test-channel" -l channel -d 'Only this channel: its number in the watchlist, from 1' -r
complete -c vigie -n "__fish_vigie_using_subcommand test-channel" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand test-channel" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand test-channel" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand report; and not __fish_seen_subcommand_from sov help" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand report; and not __fish_seen_subcommand_from sov help" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand report; and not __fish_seen_subcommand_from sov help" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand report; and not __fish_seen_subcommand_from sov help" -f -a "sov" -d 'Share of voice of a watchlist\'s `[[group]]`: each brand\'s share of the group\'s mentions and of their engagement, its net sentiment (positive minus negative share) and its risk mentions'
complete -c vigie -n "__fish_vigie_using_subcommand report; and not __fish_seen_subcommand_from sov help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vigie -n "__fish_vigie_using_subcommand report; and __fish_seen_subcommand_from sov" -l group -d 'The group\'s name, as its `[[group]]` gives it (accents and case ignored)' -r
complete -c vigie -n "__fish_vigie_using_subcommand report; and __fish_seen_subcommand_from sov" -l since -d 'How far back: a duration (`30d`) or a date (`2026-11-01`)' -r
complete -c vigie -n "__fish_vigie_using_subcommand report; and __fish_seen_subcommand_from sov" -l format -r -f -a "table\t''
json\t'One JSON object per line'"
complete -c vigie -n "__fish_vigie_using_subcommand report; and __fish_seen_subcommand_from sov" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand report; and __fish_seen_subcommand_from sov" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand report; and __fish_seen_subcommand_from sov" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vigie -n "__fish_vigie_using_subcommand report; and __fish_seen_subcommand_from help" -f -a "sov" -d 'Share of voice of a watchlist\'s `[[group]]`: each brand\'s share of the group\'s mentions and of their engagement, its net sentiment (positive minus negative share) and its risk mentions'
complete -c vigie -n "__fish_vigie_using_subcommand report; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vigie -n "__fish_vigie_using_subcommand sources" -l format -r -f -a "table\t''
json\t'One JSON object per line'"
complete -c vigie -n "__fish_vigie_using_subcommand sources" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand sources" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand sources" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vigie -n "__fish_vigie_using_subcommand match" -l query -d 'The query, as it would be written in a watchlist\'s `query = \'...\'`' -r
complete -c vigie -n "__fish_vigie_using_subcommand match" -l title -d 'A title every line is given (for `title:` terms)' -r
complete -c vigie -n "__fish_vigie_using_subcommand match" -l site -d 'The item link every line is given (for `site:`)' -r
complete -c vigie -n "__fish_vigie_using_subcommand match" -l lang -d 'The language every line is in (for `lang:`); detected per line when not given' -r
complete -c vigie -n "__fish_vigie_using_subcommand match" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand match" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand match" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand sentiment" -l lang -d 'The language of every line; `auto` picks French or English per line (lines in another language score 0)' -r -f -a "auto\t''
fr\t''
en\t''"
complete -c vigie -n "__fish_vigie_using_subcommand sentiment" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand sentiment" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand sentiment" -l explain -d 'After each score, the language and what each word weighed: `score<TAB>lang<TAB>word:weight ...`'
complete -c vigie -n "__fish_vigie_using_subcommand sentiment" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand parse" -l kind -d 'The adapter: `feed`, `google-alerts`, `talkwalker-alerts`, or `html` with the selector options' -r -f -a "feed\t''
html\t''
json\t'With `--item` the JSON Pointer to the list, and the other options JSON Pointers'
google-alerts\t''
talkwalker-alerts\t''
reddit\t'A saved answer of a social service (one page, as a poll reads it)'
hackernews\t''
mastodon\t''
bluesky\t''
youtube\t''
appstore\t''"
complete -c vigie -n "__fish_vigie_using_subcommand parse" -l item -d 'Each item (`li.row`, `article.post`)' -r
complete -c vigie -n "__fish_vigie_using_subcommand parse" -l title -d 'Inside an item: its title (`a.topictitle`). `SELECTOR@attr` reads an attribute' -r
complete -c vigie -n "__fish_vigie_using_subcommand parse" -l link -d 'Its link (`a.topictitle@href`; a selector alone reads `href`)' -r
complete -c vigie -n "__fish_vigie_using_subcommand parse" -l text -d 'Its text' -r
complete -c vigie -n "__fish_vigie_using_subcommand parse" -l author -d 'Its author' -r
complete -c vigie -n "__fish_vigie_using_subcommand parse" -l date -d 'Its date (`time@datetime`, or a text such as "il y a 3 heures")' -r
complete -c vigie -n "__fish_vigie_using_subcommand parse" -l next -d 'In the page: the link to the next page' -r
complete -c vigie -n "__fish_vigie_using_subcommand parse" -l max-pages -d 'Pages to read, the first included' -r
complete -c vigie -n "__fish_vigie_using_subcommand parse" -l timezone -d 'The zone of dates written without an offset' -r
complete -c vigie -n "__fish_vigie_using_subcommand parse" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand parse" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand parse" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -l item -d 'Each item (`li.row`, `article.post`)' -r
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -l title -d 'Inside an item: its title (`a.topictitle`). `SELECTOR@attr` reads an attribute' -r
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -l link -d 'Its link (`a.topictitle@href`; a selector alone reads `href`)' -r
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -l text -d 'Its text' -r
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -l author -d 'Its author' -r
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -l date -d 'Its date (`time@datetime`, or a text such as "il y a 3 heures")' -r
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -l next -d 'In the page: the link to the next page' -r
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -l max-pages -d 'Pages to read, the first included' -r
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -l timezone -d 'The zone of dates written without an offset' -r
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -s c -l config -d 'Config file' -r -F
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -l log-format -d 'Log format: `auto` is the journal\'s own fields under systemd (when stderr goes to the journal), else human text (colours on a terminal); `json` is one object per line' -r -f -a "auto\t''
text\t''
json\t''
journald\t''"
complete -c vigie -n "__fish_vigie_using_subcommand try-source" -s h -l help -d 'Print help'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "run" -d 'Run the daemon: poll each source when it is due, until SIGINT or SIGTERM'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "poll" -d 'Poll every source now, once, and print what happened. Exit code 1 when a source failed or its poll could not be stored'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "check" -d 'Check the config, the watchlists and the database (read only) and print a summary. Exit code 2 on a config or watchlist error, 1 on a database that is damaged or newer than this vigie'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "mentions" -d 'List stored mentions, newest first'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "alerts" -d 'List alerts, newest first, with their state and their emails\' fate'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "backtest" -d 'Replay spike detection over the stored mentions and print the alerts that would have fired, without storing or sending anything: to tune a watchlist\'s `[alerts]`'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "digest" -d 'Render a watchlist\'s digest: to an HTML file to open in a browser (`--preview`), or queue it and send it now (`--send`)'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "generate" -d 'Print the man page (roff) or a shell\'s completions, generated from this command line; packaging writes them to `deploy/`'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "export" -d 'Write every stored mention (full text, sentiment, story) to stdout, oldest first'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "triage" -d 'Decide about a mention as the workspace does: its state (handled, irrelevant, new), a corrected sentiment or risk, a note. A decision about a story\'s first mention applies to its copies'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "passwd" -d 'Make the password hash of a workspace user (`[[web.user]] password_hash`): reads the password from standard input (twice when it is a terminal) and prints the hash'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "token" -d 'API tokens for `/api/v1`'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "migrate" -d 'Copy every table of a SQLite database into PostgreSQL and verify each (row counts and checksums), all in one transaction: nothing is half copied. Run it again to bring the target level with the file; the target\'s schema is created or upgraded'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "backup" -d 'Write a consistent copy of the database to FILE, online (the daemon may be running), and check it. Never overwrites a file'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "import-opml" -d 'Add the feeds of an OPML export (miniflux, Feedly, Inoreader...) to a watchlist as `[[source]]` entries with their names; feeds already listed are skipped'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "test-email" -d 'Send one test email to TO through the configured `[notify]` transport, now'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "test-channel" -d 'Post a test message to a watchlist\'s chat channels (or one of them) and say what each answered'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "report" -d 'Reports over the stored mentions'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "sources" -d 'Show each source\'s health: last success, last error, consecutive errors, next check'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "match" -d 'Try a query: read texts on stdin, one per line, and print `1<TAB>matched terms` or `0` for each, with the same matcher the daemon uses'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "sentiment" -d 'Score texts: read them on stdin, one per line, and print one sentiment score in [-1, 1] per line, in order, and nothing else. Needs no config'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "parse" -d 'Parse one feed (a file or a URL) and print its items as JSON lines, as they would be stored before matching. Uses the config\'s HTTP settings when the config file exists'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "try-source" -d 'Try CSS selectors on a forum or blog page (a file or a URL) and show what each item yields, to set up a `kind = "html"` source without guessing'
complete -c vigie -n "__fish_vigie_using_subcommand help; and not __fish_seen_subcommand_from run poll check mentions alerts backtest digest generate export triage passwd token migrate backup import-opml test-email test-channel report sources match sentiment parse try-source help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vigie -n "__fish_vigie_using_subcommand help; and __fish_seen_subcommand_from alerts" -f -a "ack" -d 'Mark an alert acknowledged (someone is on it): shown in `vigie alerts`, the digest and the alert\'s later emails'
complete -c vigie -n "__fish_vigie_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "create" -d 'Make a token, print it once (only its SHA-256 is kept)'
complete -c vigie -n "__fish_vigie_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "list" -d 'List tokens (never the tokens themselves)'
complete -c vigie -n "__fish_vigie_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "revoke" -d 'Revoke a token by its id'
complete -c vigie -n "__fish_vigie_using_subcommand help; and __fish_seen_subcommand_from report" -f -a "sov" -d 'Share of voice of a watchlist\'s `[[group]]`: each brand\'s share of the group\'s mentions and of their engagement, its net sentiment (positive minus negative share) and its risk mentions'
