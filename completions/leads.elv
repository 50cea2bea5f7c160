
use builtin;
use str;

set edit:completion:arg-completer[leads] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'leads'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'leads'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand inbox 'Walk the pending leads, most urgent first, and accept or reject each in a keystroke'
            cand list 'Pending New Leads, most urgent first, with fee and freshness countdown'
            cand show 'One lead in full: answers, message, schedule, budget, fee, countdown, decision'
            cand accept 'Accept leads: pay their contact fees and get the customers'' details'
            cand reject 'Reject leads: free, and it counts as a response'
            cand triage 'Apply the [[rules]] of the config: reject (or accept) the leads that miss your working conditions'
            cand status 'Your response rate, how many leads may lapse, what must be answered, and this week''s spend'
            cand followups 'Accepted leads whose customer waits on you, longest first, then the ones to nudge'
            cand reply 'Reply to an accepted lead''s customer: a template filled from the lead, in your editor'
            cand report 'What the leads cost and earned: spend, replies, wins, cost per win, wasted fees, with charts'
            cand contact 'Log a contact with an accepted lead''s customer: a call, a visit, a message'
            cand won 'Mark an accepted lead won: the customer hired you'
            cand lost 'Mark an accepted lead lost: the customer went elsewhere'
            cand history 'The decision log: when each lead arrived, how and when it was answered, what it cost'
            cand import 'Add or update leads from a JSON, NDJSON, API-page or CSV file (or - for stdin)'
            cand sync 'Remote source: send queued decisions, pull pending leads, refresh the server''s rate'
            cand serve 'Serve the Leads API v1 from this store, for a shared queue or a remote client'
            cand demo 'Fill the store with realistic sample leads and show them'
            cand completions 'Print the shell completion script for bash, zsh, fish, powershell or elvish'
            cand config 'Where the config is, what it says, and whether it is valid'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'leads;inbox'= {
            cand --category 'Only these categories (repeat or comma-separate: --category cleaning,moving)'
            cand --city 'Only these places: part of a city or district name, or a postcode prefix (repeatable)'
            cand --older-than 'Only leads created at least this long ago (e.g. 12h, 2d)'
            cand --expiring-within 'Only answerable leads that lapse within this long (e.g. 6h)'
            cand --fee-above 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)'
            cand --fee-below 'Only leads whose fee is below this amount, in major units'
            cand --kind 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]'
            cand --fit 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)'
            cand --limit 'At most this many leads'
            cand --sort 'Order: least time left first, or highest score first (time left, fit, fee against budget)'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --over-budget 'Allow accepts that take this week''s spend past budget.weekly_cap'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;list'= {
            cand --category 'Only these categories (repeat or comma-separate: --category cleaning,moving)'
            cand --city 'Only these places: part of a city or district name, or a postcode prefix (repeatable)'
            cand --older-than 'Only leads created at least this long ago (e.g. 12h, 2d)'
            cand --expiring-within 'Only answerable leads that lapse within this long (e.g. 6h)'
            cand --fee-above 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)'
            cand --fee-below 'Only leads whose fee is below this amount, in major units'
            cand --kind 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]'
            cand --fit 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)'
            cand --limit 'At most this many leads'
            cand --status 'Which leads by status; "expired" includes pending leads past their expiry'
            cand --sort 'Order of pending leads: least time left first, or highest score first'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;show'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;accept'= {
            cand --category 'Only these categories (repeat or comma-separate: --category cleaning,moving)'
            cand --city 'Only these places: part of a city or district name, or a postcode prefix (repeatable)'
            cand --older-than 'Only leads created at least this long ago (e.g. 12h, 2d)'
            cand --expiring-within 'Only answerable leads that lapse within this long (e.g. 6h)'
            cand --fee-above 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)'
            cand --fee-below 'Only leads whose fee is below this amount, in major units'
            cand --kind 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]'
            cand --fit 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)'
            cand --limit 'At most this many leads'
            cand --status 'Which leads by status; "expired" includes pending leads past their expiry'
            cand --max-fee 'Accept only leads whose fee is at or under this amount (major units); skip the rest'
            cand --note 'A note kept with each decision'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --all 'Select every pending lead (needed when neither ids nor filters are given)'
            cand --over-budget 'Accept even when it takes this week''s spend past budget.weekly_cap'
            cand -y 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)'
            cand --yes 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)'
            cand --dry-run 'Show what would be decided, the fees and the rate effect, and change nothing'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;reject'= {
            cand --category 'Only these categories (repeat or comma-separate: --category cleaning,moving)'
            cand --city 'Only these places: part of a city or district name, or a postcode prefix (repeatable)'
            cand --older-than 'Only leads created at least this long ago (e.g. 12h, 2d)'
            cand --expiring-within 'Only answerable leads that lapse within this long (e.g. 6h)'
            cand --fee-above 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)'
            cand --fee-below 'Only leads whose fee is below this amount, in major units'
            cand --kind 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]'
            cand --fit 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)'
            cand --limit 'At most this many leads'
            cand --status 'Which leads by status; "expired" includes pending leads past their expiry'
            cand -r 'Why: a reason code or its alias [default: decisions.default_reject_reason]'
            cand --reason 'Why: a reason code or its alias [default: decisions.default_reject_reason]'
            cand --note 'A note kept with each decision'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --all 'Select every pending lead (needed when neither ids nor filters are given)'
            cand -y 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)'
            cand --yes 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)'
            cand --dry-run 'Show what would be decided, the fees and the rate effect, and change nothing'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;triage'= {
            cand --category 'Only these categories (repeat or comma-separate: --category cleaning,moving)'
            cand --city 'Only these places: part of a city or district name, or a postcode prefix (repeatable)'
            cand --older-than 'Only leads created at least this long ago (e.g. 12h, 2d)'
            cand --expiring-within 'Only answerable leads that lapse within this long (e.g. 6h)'
            cand --fee-above 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)'
            cand --fee-below 'Only leads whose fee is below this amount, in major units'
            cand --kind 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]'
            cand --fit 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)'
            cand --limit 'At most this many leads'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand -y 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)'
            cand --yes 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)'
            cand --dry-run 'Show what would be decided, the fees and the rate effect, and change nothing'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;status'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --check 'Exit 0 when safe, 10 when at risk (letting pending leads lapse would drop the rate below the threshold), 11 when already below: for cron jobs and shell prompts'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;followups'= {
            cand --category 'Only these categories (repeat or comma-separate: --category cleaning,moving)'
            cand --city 'Only these places: part of a city or district name, or a postcode prefix (repeatable)'
            cand --older-than 'Only leads created at least this long ago (e.g. 12h, 2d)'
            cand --expiring-within 'Only answerable leads that lapse within this long (e.g. 6h)'
            cand --fee-above 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)'
            cand --fee-below 'Only leads whose fee is below this amount, in major units'
            cand --kind 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]'
            cand --fit 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)'
            cand --limit 'At most this many leads'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;reply'= {
            cand -m 'The reply itself, instead of an editor; - reads it from stdin'
            cand --message 'The reply itself, instead of an editor; - reads it from stdin'
            cand --template 'The template the draft starts from'
            cand --via 'How the reply reaches the customer'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --generic-ok 'Record a reply even if it mentions nothing of this customer''s request'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;report'= {
            cand --since 'The period: leads that arrived since then (a span back such as 90d, or a date)'
            cand --by 'Break the figures down by category, by month of arrival, or by contact fee'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --csv 'Comma-separated values for a spreadsheet: one row per group (or the total), amounts in major units'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;contact'= {
            cand --from 'Who made the contact'
            cand --via 'How it was made'
            cand --note 'What was said (needed for the platform chat)'
            cand --at 'When it happened, if not now: a span back (3h), a local time (2026-11-23 14:30), a date, or RFC 3339'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;won'= {
            cand --value 'What the job is worth, in major units of the lead''s currency (1,800 or 1800.50)'
            cand --note 'Your words about it'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;lost'= {
            cand --reason 'Why, in your words ("went with a cheaper quote")'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;history'= {
            cand --since 'Only decisions made since then: a span back from now (7d, 12h), a date (2026-11-01, local midnight) or an RFC 3339 time'
            cand --action 'Only accepts or only rejects'
            cand --category 'Only these categories (repeat or comma-separate: --category cleaning,moving)'
            cand --city 'Only these places: part of a city or district name, or a postcode prefix (repeatable)'
            cand --older-than 'Only leads created at least this long ago (e.g. 12h, 2d)'
            cand --expiring-within 'Only answerable leads that lapse within this long (e.g. 6h)'
            cand --fee-above 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)'
            cand --fee-below 'Only leads whose fee is below this amount, in major units'
            cand --kind 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]'
            cand --fit 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)'
            cand --limit 'At most this many leads'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --csv 'Print CSV with a header row (for a spreadsheet), instead of a table'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;import'= {
            cand --format 'The file''s format; by default from the extension, else from the content'
            cand --database 'Import into this PostgreSQL database (postgres://USER@HOST:PORT/DB, the one `leads serve --database` serves) instead of the local store; the password comes from PGPASSWORD or ~/.pgpass'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --from-store 'With --database: copy every lead of the data dir''s store, with its decision, charge, messages and outcome, into the database (moving a server from SQLite to PostgreSQL)'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;sync'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --status 'Send and fetch nothing: show what waits, per account (webhooks not processed yet, messages and decisions not sent yet)'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;serve'= {
            cand --listen 'Address and port to listen on (port 0 picks a free one)'
            cand --tokens-file 'File of API tokens, one a line (blank lines and # comments ignored)'
            cand --database 'Keep the store in this PostgreSQL database (postgres://USER@HOST:PORT/DB), which several servers may share; the password comes from PGPASSWORD or ~/.pgpass. Default: the config''s server.database, else the SQLite store in the data dir'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --behind-tls 'TLS is terminated by a proxy in front of this server: do not warn about a public address'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;demo'= {
            cand --count 'How many pending New Leads to make'
            cand --history 'How many past leads (decided, lapsed, promotions) to spread over the rate window'
            cand --seed 'Seed for the generator: the same seed and clock give the same leads'
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --force 'Add the sample leads even though the store holds other leads (they are never touched)'
            cand --no-show 'Only fill the store; do not show the triage view afterwards'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;completions'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;config'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand path 'Where the config file and the lead store are'
            cand show 'The configuration in effect: the file''s values over the defaults'
            cand check 'Check the config file; exits 3 with the problem when it is invalid'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'leads;config;path'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;config;show'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;config;check'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]'
            cand --data-dir 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]'
            cand --account 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform'
            cand --color 'When to colour output'
            cand --json 'Print JSON (stable field names, never coloured)'
            cand --plain 'Print tab-separated records without headers or colour (the default when piped)'
            cand --no-input 'Never prompt; a command that would ask fails instead, naming the flag to pass'
            cand --offline 'Remote source: answer from the local cache, without the network'
            cand -q 'No summaries on stderr; warnings, errors and the data itself still print'
            cand --quiet 'No summaries on stderr; warnings, errors and the data itself still print'
            cand -v 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand --verbose 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'leads;config;help'= {
            cand path 'Where the config file and the lead store are'
            cand show 'The configuration in effect: the file''s values over the defaults'
            cand check 'Check the config file; exits 3 with the problem when it is invalid'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'leads;config;help;path'= {
        }
        &'leads;config;help;show'= {
        }
        &'leads;config;help;check'= {
        }
        &'leads;config;help;help'= {
        }
        &'leads;help'= {
            cand inbox 'Walk the pending leads, most urgent first, and accept or reject each in a keystroke'
            cand list 'Pending New Leads, most urgent first, with fee and freshness countdown'
            cand show 'One lead in full: answers, message, schedule, budget, fee, countdown, decision'
            cand accept 'Accept leads: pay their contact fees and get the customers'' details'
            cand reject 'Reject leads: free, and it counts as a response'
            cand triage 'Apply the [[rules]] of the config: reject (or accept) the leads that miss your working conditions'
            cand status 'Your response rate, how many leads may lapse, what must be answered, and this week''s spend'
            cand followups 'Accepted leads whose customer waits on you, longest first, then the ones to nudge'
            cand reply 'Reply to an accepted lead''s customer: a template filled from the lead, in your editor'
            cand report 'What the leads cost and earned: spend, replies, wins, cost per win, wasted fees, with charts'
            cand contact 'Log a contact with an accepted lead''s customer: a call, a visit, a message'
            cand won 'Mark an accepted lead won: the customer hired you'
            cand lost 'Mark an accepted lead lost: the customer went elsewhere'
            cand history 'The decision log: when each lead arrived, how and when it was answered, what it cost'
            cand import 'Add or update leads from a JSON, NDJSON, API-page or CSV file (or - for stdin)'
            cand sync 'Remote source: send queued decisions, pull pending leads, refresh the server''s rate'
            cand serve 'Serve the Leads API v1 from this store, for a shared queue or a remote client'
            cand demo 'Fill the store with realistic sample leads and show them'
            cand completions 'Print the shell completion script for bash, zsh, fish, powershell or elvish'
            cand config 'Where the config is, what it says, and whether it is valid'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'leads;help;inbox'= {
        }
        &'leads;help;list'= {
        }
        &'leads;help;show'= {
        }
        &'leads;help;accept'= {
        }
        &'leads;help;reject'= {
        }
        &'leads;help;triage'= {
        }
        &'leads;help;status'= {
        }
        &'leads;help;followups'= {
        }
        &'leads;help;reply'= {
        }
        &'leads;help;report'= {
        }
        &'leads;help;contact'= {
        }
        &'leads;help;won'= {
        }
        &'leads;help;lost'= {
        }
        &'leads;help;history'= {
        }
        &'leads;help;import'= {
        }
        &'leads;help;sync'= {
        }
        &'leads;help;serve'= {
        }
        &'leads;help;demo'= {
        }
        &'leads;help;completions'= {
        }
        &'leads;help;config'= {
            cand path 'Where the config file and the lead store are'
            cand show 'The configuration in effect: the file''s values over the defaults'
            cand check 'Check the config file; exits 3 with the problem when it is invalid'
        }
        &'leads;help;config;path'= {
        }
        &'leads;help;config;show'= {
        }
        &'leads;help;config;check'= {
        }
        &'leads;help;help'= {
        }
    ]
    $completions[$command]
}
