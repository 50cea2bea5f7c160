
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'leads' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'leads'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'leads' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('inbox', 'inbox', [CompletionResultType]::ParameterValue, 'Walk the pending leads, most urgent first, and accept or reject each in a keystroke')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Pending New Leads, most urgent first, with fee and freshness countdown')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One lead in full: answers, message, schedule, budget, fee, countdown, decision')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'Accept leads: pay their contact fees and get the customers'' details')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Reject leads: free, and it counts as a response')
            [CompletionResult]::new('triage', 'triage', [CompletionResultType]::ParameterValue, 'Apply the [[rules]] of the config: reject (or accept) the leads that miss your working conditions')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Your response rate, how many leads may lapse, what must be answered, and this week''s spend')
            [CompletionResult]::new('followups', 'followups', [CompletionResultType]::ParameterValue, 'Accepted leads whose customer waits on you, longest first, then the ones to nudge')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply to an accepted lead''s customer: a template filled from the lead, in your editor')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'What the leads cost and earned: spend, replies, wins, cost per win, wasted fees, with charts')
            [CompletionResult]::new('contact', 'contact', [CompletionResultType]::ParameterValue, 'Log a contact with an accepted lead''s customer: a call, a visit, a message')
            [CompletionResult]::new('won', 'won', [CompletionResultType]::ParameterValue, 'Mark an accepted lead won: the customer hired you')
            [CompletionResult]::new('lost', 'lost', [CompletionResultType]::ParameterValue, 'Mark an accepted lead lost: the customer went elsewhere')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'The decision log: when each lead arrived, how and when it was answered, what it cost')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add or update leads from a JSON, NDJSON, API-page or CSV file (or - for stdin)')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Remote source: send queued decisions, pull pending leads, refresh the server''s rate')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the Leads API v1 from this store, for a shared queue or a remote client')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Fill the store with realistic sample leads and show them')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for bash, zsh, fish, powershell or elvish')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Where the config is, what it says, and whether it is valid')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'leads;inbox' {
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'Only these categories (repeat or comma-separate: --category cleaning,moving)')
            [CompletionResult]::new('--city', '--city', [CompletionResultType]::ParameterName, 'Only these places: part of a city or district name, or a postcode prefix (repeatable)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only leads created at least this long ago (e.g. 12h, 2d)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Only answerable leads that lapse within this long (e.g. 6h)')
            [CompletionResult]::new('--fee-above', '--fee-above', [CompletionResultType]::ParameterName, 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)')
            [CompletionResult]::new('--fee-below', '--fee-below', [CompletionResultType]::ParameterName, 'Only leads whose fee is below this amount, in major units')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]')
            [CompletionResult]::new('--fit', '--fit', [CompletionResultType]::ParameterName, 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many leads')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order: least time left first, or highest score first (time left, fit, fee against budget)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--over-budget', '--over-budget', [CompletionResultType]::ParameterName, 'Allow accepts that take this week''s spend past budget.weekly_cap')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;list' {
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'Only these categories (repeat or comma-separate: --category cleaning,moving)')
            [CompletionResult]::new('--city', '--city', [CompletionResultType]::ParameterName, 'Only these places: part of a city or district name, or a postcode prefix (repeatable)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only leads created at least this long ago (e.g. 12h, 2d)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Only answerable leads that lapse within this long (e.g. 6h)')
            [CompletionResult]::new('--fee-above', '--fee-above', [CompletionResultType]::ParameterName, 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)')
            [CompletionResult]::new('--fee-below', '--fee-below', [CompletionResultType]::ParameterName, 'Only leads whose fee is below this amount, in major units')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]')
            [CompletionResult]::new('--fit', '--fit', [CompletionResultType]::ParameterName, 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many leads')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Which leads by status; "expired" includes pending leads past their expiry')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of pending leads: least time left first, or highest score first')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;accept' {
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'Only these categories (repeat or comma-separate: --category cleaning,moving)')
            [CompletionResult]::new('--city', '--city', [CompletionResultType]::ParameterName, 'Only these places: part of a city or district name, or a postcode prefix (repeatable)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only leads created at least this long ago (e.g. 12h, 2d)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Only answerable leads that lapse within this long (e.g. 6h)')
            [CompletionResult]::new('--fee-above', '--fee-above', [CompletionResultType]::ParameterName, 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)')
            [CompletionResult]::new('--fee-below', '--fee-below', [CompletionResultType]::ParameterName, 'Only leads whose fee is below this amount, in major units')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]')
            [CompletionResult]::new('--fit', '--fit', [CompletionResultType]::ParameterName, 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many leads')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Which leads by status; "expired" includes pending leads past their expiry')
            [CompletionResult]::new('--max-fee', '--max-fee', [CompletionResultType]::ParameterName, 'Accept only leads whose fee is at or under this amount (major units); skip the rest')
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'A note kept with each decision')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Select every pending lead (needed when neither ids nor filters are given)')
            [CompletionResult]::new('--over-budget', '--over-budget', [CompletionResultType]::ParameterName, 'Accept even when it takes this week''s spend past budget.weekly_cap')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be decided, the fees and the rate effect, and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;reject' {
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'Only these categories (repeat or comma-separate: --category cleaning,moving)')
            [CompletionResult]::new('--city', '--city', [CompletionResultType]::ParameterName, 'Only these places: part of a city or district name, or a postcode prefix (repeatable)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only leads created at least this long ago (e.g. 12h, 2d)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Only answerable leads that lapse within this long (e.g. 6h)')
            [CompletionResult]::new('--fee-above', '--fee-above', [CompletionResultType]::ParameterName, 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)')
            [CompletionResult]::new('--fee-below', '--fee-below', [CompletionResultType]::ParameterName, 'Only leads whose fee is below this amount, in major units')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]')
            [CompletionResult]::new('--fit', '--fit', [CompletionResultType]::ParameterName, 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many leads')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Which leads by status; "expired" includes pending leads past their expiry')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Why: a reason code or its alias [default: decisions.default_reject_reason]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why: a reason code or its alias [default: decisions.default_reject_reason]')
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'A note kept with each decision')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Select every pending lead (needed when neither ids nor filters are given)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be decided, the fees and the rate effect, and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;triage' {
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'Only these categories (repeat or comma-separate: --category cleaning,moving)')
            [CompletionResult]::new('--city', '--city', [CompletionResultType]::ParameterName, 'Only these places: part of a city or district name, or a postcode prefix (repeatable)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only leads created at least this long ago (e.g. 12h, 2d)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Only answerable leads that lapse within this long (e.g. 6h)')
            [CompletionResult]::new('--fee-above', '--fee-above', [CompletionResultType]::ParameterName, 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)')
            [CompletionResult]::new('--fee-below', '--fee-below', [CompletionResultType]::ParameterName, 'Only leads whose fee is below this amount, in major units')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]')
            [CompletionResult]::new('--fit', '--fit', [CompletionResultType]::ParameterName, 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many leads')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be decided, the fees and the rate effect, and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;status' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Exit 0 when safe, 10 when at risk (letting pending leads lapse would drop the rate below the threshold), 11 when already below: for cron jobs and shell prompts')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;followups' {
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'Only these categories (repeat or comma-separate: --category cleaning,moving)')
            [CompletionResult]::new('--city', '--city', [CompletionResultType]::ParameterName, 'Only these places: part of a city or district name, or a postcode prefix (repeatable)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only leads created at least this long ago (e.g. 12h, 2d)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Only answerable leads that lapse within this long (e.g. 6h)')
            [CompletionResult]::new('--fee-above', '--fee-above', [CompletionResultType]::ParameterName, 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)')
            [CompletionResult]::new('--fee-below', '--fee-below', [CompletionResultType]::ParameterName, 'Only leads whose fee is below this amount, in major units')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]')
            [CompletionResult]::new('--fit', '--fit', [CompletionResultType]::ParameterName, 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many leads')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;reply' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The reply itself, instead of an editor; - reads it from stdin')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The reply itself, instead of an editor; - reads it from stdin')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'The template the draft starts from')
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'How the reply reaches the customer')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--generic-ok', '--generic-ok', [CompletionResultType]::ParameterName, 'Record a reply even if it mentions nothing of this customer''s request')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;report' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'The period: leads that arrived since then (a span back such as 90d, or a date)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Break the figures down by category, by month of arrival, or by contact fee')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'Comma-separated values for a spreadsheet: one row per group (or the total), amounts in major units')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;contact' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Who made the contact')
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'How it was made')
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'What was said (needed for the platform chat)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'When it happened, if not now: a span back (3h), a local time (2026-11-23 14:30), a date, or RFC 3339')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;won' {
            [CompletionResult]::new('--value', '--value', [CompletionResultType]::ParameterName, 'What the job is worth, in major units of the lead''s currency (1,800 or 1800.50)')
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'Your words about it')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;lost' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, in your words ("went with a cheaper quote")')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;history' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only decisions made since then: a span back from now (7d, 12h), a date (2026-11-01, local midnight) or an RFC 3339 time')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Only accepts or only rejects')
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'Only these categories (repeat or comma-separate: --category cleaning,moving)')
            [CompletionResult]::new('--city', '--city', [CompletionResultType]::ParameterName, 'Only these places: part of a city or district name, or a postcode prefix (repeatable)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only leads created at least this long ago (e.g. 12h, 2d)')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Only answerable leads that lapse within this long (e.g. 6h)')
            [CompletionResult]::new('--fee-above', '--fee-above', [CompletionResultType]::ParameterName, 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)')
            [CompletionResult]::new('--fee-below', '--fee-below', [CompletionResultType]::ParameterName, 'Only leads whose fee is below this amount, in major units')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]')
            [CompletionResult]::new('--fit', '--fit', [CompletionResultType]::ParameterName, 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many leads')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'Print CSV with a header row (for a spreadsheet), instead of a table')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;import' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The file''s format; by default from the extension, else from the content')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Import into this PostgreSQL database (postgres://USER@HOST:PORT/DB, the one `leads serve --database` serves) instead of the local store; the password comes from PGPASSWORD or ~/.pgpass')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--from-store', '--from-store', [CompletionResultType]::ParameterName, 'With --database: copy every lead of the data dir''s store, with its decision, charge, messages and outcome, into the database (moving a server from SQLite to PostgreSQL)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;sync' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Send and fetch nothing: show what waits, per account (webhooks not processed yet, messages and decisions not sent yet)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address and port to listen on (port 0 picks a free one)')
            [CompletionResult]::new('--tokens-file', '--tokens-file', [CompletionResultType]::ParameterName, 'File of API tokens, one a line (blank lines and # comments ignored)')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'Keep the store in this PostgreSQL database (postgres://USER@HOST:PORT/DB), which several servers may share; the password comes from PGPASSWORD or ~/.pgpass. Default: the config''s server.database, else the SQLite store in the data dir')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--behind-tls', '--behind-tls', [CompletionResultType]::ParameterName, 'TLS is terminated by a proxy in front of this server: do not warn about a public address')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;demo' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many pending New Leads to make')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'How many past leads (decided, lapsed, promotions) to spread over the rate window')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the generator: the same seed and clock give the same leads')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Add the sample leads even though the store holds other leads (they are never touched)')
            [CompletionResult]::new('--no-show', '--no-show', [CompletionResultType]::ParameterName, 'Only fill the store; do not show the triage view afterwards')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Where the config file and the lead store are')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The configuration in effect: the file''s values over the defaults')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the config file; exits 3 with the problem when it is invalid')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'leads;config;path' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;config;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;config;check' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (stable field names, never coloured)')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print tab-separated records without headers or colour (the default when piped)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; a command that would ask fails instead, naming the flag to pass')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Remote source: answer from the local cache, without the network')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No summaries on stderr; warnings, errors and the data itself still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'leads;config;help' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Where the config file and the lead store are')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The configuration in effect: the file''s values over the defaults')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the config file; exits 3 with the problem when it is invalid')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'leads;config;help;path' {
            break
        }
        'leads;config;help;show' {
            break
        }
        'leads;config;help;check' {
            break
        }
        'leads;config;help;help' {
            break
        }
        'leads;help' {
            [CompletionResult]::new('inbox', 'inbox', [CompletionResultType]::ParameterValue, 'Walk the pending leads, most urgent first, and accept or reject each in a keystroke')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Pending New Leads, most urgent first, with fee and freshness countdown')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One lead in full: answers, message, schedule, budget, fee, countdown, decision')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'Accept leads: pay their contact fees and get the customers'' details')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Reject leads: free, and it counts as a response')
            [CompletionResult]::new('triage', 'triage', [CompletionResultType]::ParameterValue, 'Apply the [[rules]] of the config: reject (or accept) the leads that miss your working conditions')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Your response rate, how many leads may lapse, what must be answered, and this week''s spend')
            [CompletionResult]::new('followups', 'followups', [CompletionResultType]::ParameterValue, 'Accepted leads whose customer waits on you, longest first, then the ones to nudge')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply to an accepted lead''s customer: a template filled from the lead, in your editor')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'What the leads cost and earned: spend, replies, wins, cost per win, wasted fees, with charts')
            [CompletionResult]::new('contact', 'contact', [CompletionResultType]::ParameterValue, 'Log a contact with an accepted lead''s customer: a call, a visit, a message')
            [CompletionResult]::new('won', 'won', [CompletionResultType]::ParameterValue, 'Mark an accepted lead won: the customer hired you')
            [CompletionResult]::new('lost', 'lost', [CompletionResultType]::ParameterValue, 'Mark an accepted lead lost: the customer went elsewhere')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'The decision log: when each lead arrived, how and when it was answered, what it cost')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add or update leads from a JSON, NDJSON, API-page or CSV file (or - for stdin)')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Remote source: send queued decisions, pull pending leads, refresh the server''s rate')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the Leads API v1 from this store, for a shared queue or a remote client')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Fill the store with realistic sample leads and show them')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for bash, zsh, fish, powershell or elvish')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Where the config is, what it says, and whether it is valid')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'leads;help;inbox' {
            break
        }
        'leads;help;list' {
            break
        }
        'leads;help;show' {
            break
        }
        'leads;help;accept' {
            break
        }
        'leads;help;reject' {
            break
        }
        'leads;help;triage' {
            break
        }
        'leads;help;status' {
            break
        }
        'leads;help;followups' {
            break
        }
        'leads;help;reply' {
            break
        }
        'leads;help;report' {
            break
        }
        'leads;help;contact' {
            break
        }
        'leads;help;won' {
            break
        }
        'leads;help;lost' {
            break
        }
        'leads;help;history' {
            break
        }
        'leads;help;import' {
            break
        }
        'leads;help;sync' {
            break
        }
        'leads;help;serve' {
            break
        }
        'leads;help;demo' {
            break
        }
        'leads;help;completions' {
            break
        }
        'leads;help;config' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Where the config file and the lead store are')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The configuration in effect: the file''s values over the defaults')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the config file; exits 3 with the problem when it is invalid')
            break
        }
        'leads;help;config;path' {
            break
        }
        'leads;help;config;show' {
            break
        }
        'leads;help;config;check' {
            break
        }
        'leads;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
