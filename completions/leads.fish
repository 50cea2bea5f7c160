# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_leads_global_optspecs
    string join \n config= data-dir= json plain no-input offline account= color= q/quiet v/verbose h/help V/version
end

function __fish_leads_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_leads_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_leads_using_subcommand
    set -l cmd (__fish_leads_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c leads -n "__fish_leads_needs_command" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_needs_command" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_needs_command" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_needs_command" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_needs_command" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_needs_command" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_needs_command" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_needs_command" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_needs_command" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_needs_command" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_needs_command" -s V -l version -d 'Print version'
complete -c leads -n "__fish_leads_needs_command" -f -a "inbox" -d 'Walk the pending leads, most urgent first, and accept or reject each in a keystroke'
complete -c leads -n "__fish_leads_needs_command" -f -a "list" -d 'Pending New Leads, most urgent first, with fee and freshness countdown'
complete -c leads -n "__fish_leads_needs_command" -f -a "show" -d 'One lead in full: answers, message, schedule, budget, fee, countdown, decision'
complete -c leads -n "__fish_leads_needs_command" -f -a "accept" -d 'Accept leads: pay their contact fees and get the customers\' details'
complete -c leads -n "__fish_leads_needs_command" -f -a "reject" -d 'Reject leads: free, and it counts as a response'
complete -c leads -n "__fish_leads_needs_command" -f -a "triage" -d 'Apply the [[rules]] of the config: reject (or accept) the leads that miss your working conditions'
complete -c leads -n "__fish_leads_needs_command" -f -a "status" -d 'Your response rate, how many leads may lapse, what must be answered, and this week\'s spend'
complete -c leads -n "__fish_leads_needs_command" -f -a "followups" -d 'Accepted leads whose customer waits on you, longest first, then the ones to nudge'
complete -c leads -n "__fish_leads_needs_command" -f -a "reply" -d 'Reply to an accepted lead\'s customer: a template filled from the lead, in your editor'
complete -c leads -n "__fish_leads_needs_command" -f -a "report" -d 'What the leads cost and earned: spend, replies, wins, cost per win, wasted fees, with charts'
complete -c leads -n "__fish_leads_needs_command" -f -a "contact" -d 'Log a contact with an accepted lead\'s customer: a call, a visit, a message'
complete -c leads -n "__fish_leads_needs_command" -f -a "won" -d 'Mark an accepted lead won: the customer hired you'
complete -c leads -n "__fish_leads_needs_command" -f -a "lost" -d 'Mark an accepted lead lost: the customer went elsewhere'
complete -c leads -n "__fish_leads_needs_command" -f -a "history" -d 'The decision log: when each lead arrived, how and when it was answered, what it cost'
complete -c leads -n "__fish_leads_needs_command" -f -a "import" -d 'Add or update leads from a JSON, NDJSON, API-page or CSV file (or - for stdin)'
complete -c leads -n "__fish_leads_needs_command" -f -a "sync" -d 'Remote source: send queued decisions, pull pending leads, refresh the server\'s rate'
complete -c leads -n "__fish_leads_needs_command" -f -a "serve" -d 'Serve the Leads API v1 from this store, for a shared queue or a remote client'
complete -c leads -n "__fish_leads_needs_command" -f -a "demo" -d 'Fill the store with realistic sample leads and show them'
complete -c leads -n "__fish_leads_needs_command" -f -a "completions" -d 'Print the shell completion script for bash, zsh, fish, powershell or elvish'
complete -c leads -n "__fish_leads_needs_command" -f -a "config" -d 'Where the config is, what it says, and whether it is valid'
complete -c leads -n "__fish_leads_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c leads -n "__fish_leads_using_subcommand inbox" -l category -d 'Only these categories (repeat or comma-separate: --category cleaning,moving)' -r
complete -c leads -n "__fish_leads_using_subcommand inbox" -l city -d 'Only these places: part of a city or district name, or a postcode prefix (repeatable)' -r
complete -c leads -n "__fish_leads_using_subcommand inbox" -l older-than -d 'Only leads created at least this long ago (e.g. 12h, 2d)' -r
complete -c leads -n "__fish_leads_using_subcommand inbox" -l expiring-within -d 'Only answerable leads that lapse within this long (e.g. 6h)' -r
complete -c leads -n "__fish_leads_using_subcommand inbox" -l fee-above -d 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)' -r
complete -c leads -n "__fish_leads_using_subcommand inbox" -l fee-below -d 'Only leads whose fee is below this amount, in major units' -r
complete -c leads -n "__fish_leads_using_subcommand inbox" -l kind -d 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]' -r -f -a "new_lead\t''
promotion\t''
all\t''"
complete -c leads -n "__fish_leads_using_subcommand inbox" -l fit -d 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)' -r -f -a "match\t'Meets every condition set'
partial\t'Misses only budget, fee or schedule'
miss\t'Misses the service or the area'"
complete -c leads -n "__fish_leads_using_subcommand inbox" -l limit -d 'At most this many leads' -r
complete -c leads -n "__fish_leads_using_subcommand inbox" -l sort -d 'Order: least time left first, or highest score first (time left, fit, fee against budget)' -r -f -a "time\t'Least time left first'
score\t'Highest score first: time left, fit and fee against budget (`leads show` explains it)'"
complete -c leads -n "__fish_leads_using_subcommand inbox" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand inbox" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand inbox" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand inbox" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand inbox" -l over-budget -d 'Allow accepts that take this week\'s spend past budget.weekly_cap'
complete -c leads -n "__fish_leads_using_subcommand inbox" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand inbox" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand inbox" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand inbox" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand inbox" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand inbox" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand inbox" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand list" -l category -d 'Only these categories (repeat or comma-separate: --category cleaning,moving)' -r
complete -c leads -n "__fish_leads_using_subcommand list" -l city -d 'Only these places: part of a city or district name, or a postcode prefix (repeatable)' -r
complete -c leads -n "__fish_leads_using_subcommand list" -l older-than -d 'Only leads created at least this long ago (e.g. 12h, 2d)' -r
complete -c leads -n "__fish_leads_using_subcommand list" -l expiring-within -d 'Only answerable leads that lapse within this long (e.g. 6h)' -r
complete -c leads -n "__fish_leads_using_subcommand list" -l fee-above -d 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)' -r
complete -c leads -n "__fish_leads_using_subcommand list" -l fee-below -d 'Only leads whose fee is below this amount, in major units' -r
complete -c leads -n "__fish_leads_using_subcommand list" -l kind -d 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]' -r -f -a "new_lead\t''
promotion\t''
all\t''"
complete -c leads -n "__fish_leads_using_subcommand list" -l fit -d 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)' -r -f -a "match\t'Meets every condition set'
partial\t'Misses only budget, fee or schedule'
miss\t'Misses the service or the area'"
complete -c leads -n "__fish_leads_using_subcommand list" -l limit -d 'At most this many leads' -r
complete -c leads -n "__fish_leads_using_subcommand list" -l status -d 'Which leads by status; "expired" includes pending leads past their expiry' -r -f -a "pending\t''
accepted\t''
rejected\t''
expired\t''
all\t''"
complete -c leads -n "__fish_leads_using_subcommand list" -l sort -d 'Order of pending leads: least time left first, or highest score first' -r -f -a "time\t'Least time left first'
score\t'Highest score first: time left, fit and fee against budget (`leads show` explains it)'"
complete -c leads -n "__fish_leads_using_subcommand list" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand list" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand list" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand list" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand list" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand list" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand list" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand list" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand list" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand list" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand show" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand show" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand show" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand show" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand show" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand show" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand show" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand show" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand show" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand show" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand accept" -l category -d 'Only these categories (repeat or comma-separate: --category cleaning,moving)' -r
complete -c leads -n "__fish_leads_using_subcommand accept" -l city -d 'Only these places: part of a city or district name, or a postcode prefix (repeatable)' -r
complete -c leads -n "__fish_leads_using_subcommand accept" -l older-than -d 'Only leads created at least this long ago (e.g. 12h, 2d)' -r
complete -c leads -n "__fish_leads_using_subcommand accept" -l expiring-within -d 'Only answerable leads that lapse within this long (e.g. 6h)' -r
complete -c leads -n "__fish_leads_using_subcommand accept" -l fee-above -d 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)' -r
complete -c leads -n "__fish_leads_using_subcommand accept" -l fee-below -d 'Only leads whose fee is below this amount, in major units' -r
complete -c leads -n "__fish_leads_using_subcommand accept" -l kind -d 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]' -r -f -a "new_lead\t''
promotion\t''
all\t''"
complete -c leads -n "__fish_leads_using_subcommand accept" -l fit -d 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)' -r -f -a "match\t'Meets every condition set'
partial\t'Misses only budget, fee or schedule'
miss\t'Misses the service or the area'"
complete -c leads -n "__fish_leads_using_subcommand accept" -l limit -d 'At most this many leads' -r
complete -c leads -n "__fish_leads_using_subcommand accept" -l status -d 'Which leads by status; "expired" includes pending leads past their expiry' -r -f -a "pending\t''
accepted\t''
rejected\t''
expired\t''
all\t''"
complete -c leads -n "__fish_leads_using_subcommand accept" -l max-fee -d 'Accept only leads whose fee is at or under this amount (major units); skip the rest' -r
complete -c leads -n "__fish_leads_using_subcommand accept" -l note -d 'A note kept with each decision' -r
complete -c leads -n "__fish_leads_using_subcommand accept" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand accept" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand accept" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand accept" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand accept" -l all -d 'Select every pending lead (needed when neither ids nor filters are given)'
complete -c leads -n "__fish_leads_using_subcommand accept" -l over-budget -d 'Accept even when it takes this week\'s spend past budget.weekly_cap'
complete -c leads -n "__fish_leads_using_subcommand accept" -s y -l yes -d 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)'
complete -c leads -n "__fish_leads_using_subcommand accept" -l dry-run -d 'Show what would be decided, the fees and the rate effect, and change nothing'
complete -c leads -n "__fish_leads_using_subcommand accept" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand accept" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand accept" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand accept" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand accept" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand accept" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand accept" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand reject" -l category -d 'Only these categories (repeat or comma-separate: --category cleaning,moving)' -r
complete -c leads -n "__fish_leads_using_subcommand reject" -l city -d 'Only these places: part of a city or district name, or a postcode prefix (repeatable)' -r
complete -c leads -n "__fish_leads_using_subcommand reject" -l older-than -d 'Only leads created at least this long ago (e.g. 12h, 2d)' -r
complete -c leads -n "__fish_leads_using_subcommand reject" -l expiring-within -d 'Only answerable leads that lapse within this long (e.g. 6h)' -r
complete -c leads -n "__fish_leads_using_subcommand reject" -l fee-above -d 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)' -r
complete -c leads -n "__fish_leads_using_subcommand reject" -l fee-below -d 'Only leads whose fee is below this amount, in major units' -r
complete -c leads -n "__fish_leads_using_subcommand reject" -l kind -d 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]' -r -f -a "new_lead\t''
promotion\t''
all\t''"
complete -c leads -n "__fish_leads_using_subcommand reject" -l fit -d 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)' -r -f -a "match\t'Meets every condition set'
partial\t'Misses only budget, fee or schedule'
miss\t'Misses the service or the area'"
complete -c leads -n "__fish_leads_using_subcommand reject" -l limit -d 'At most this many leads' -r
complete -c leads -n "__fish_leads_using_subcommand reject" -l status -d 'Which leads by status; "expired" includes pending leads past their expiry' -r -f -a "pending\t''
accepted\t''
rejected\t''
expired\t''
all\t''"
complete -c leads -n "__fish_leads_using_subcommand reject" -s r -l reason -d 'Why: a reason code or its alias [default: decisions.default_reject_reason]' -r -f -a "not_my_service\t''
outside_area\t''
schedule_conflict\t''
budget_too_low\t''
too_busy\t''
other\t''"
complete -c leads -n "__fish_leads_using_subcommand reject" -l note -d 'A note kept with each decision' -r
complete -c leads -n "__fish_leads_using_subcommand reject" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand reject" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand reject" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand reject" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand reject" -l all -d 'Select every pending lead (needed when neither ids nor filters are given)'
complete -c leads -n "__fish_leads_using_subcommand reject" -s y -l yes -d 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)'
complete -c leads -n "__fish_leads_using_subcommand reject" -l dry-run -d 'Show what would be decided, the fees and the rate effect, and change nothing'
complete -c leads -n "__fish_leads_using_subcommand reject" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand reject" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand reject" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand reject" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand reject" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand reject" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand reject" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand triage" -l category -d 'Only these categories (repeat or comma-separate: --category cleaning,moving)' -r
complete -c leads -n "__fish_leads_using_subcommand triage" -l city -d 'Only these places: part of a city or district name, or a postcode prefix (repeatable)' -r
complete -c leads -n "__fish_leads_using_subcommand triage" -l older-than -d 'Only leads created at least this long ago (e.g. 12h, 2d)' -r
complete -c leads -n "__fish_leads_using_subcommand triage" -l expiring-within -d 'Only answerable leads that lapse within this long (e.g. 6h)' -r
complete -c leads -n "__fish_leads_using_subcommand triage" -l fee-above -d 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)' -r
complete -c leads -n "__fish_leads_using_subcommand triage" -l fee-below -d 'Only leads whose fee is below this amount, in major units' -r
complete -c leads -n "__fish_leads_using_subcommand triage" -l kind -d 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]' -r -f -a "new_lead\t''
promotion\t''
all\t''"
complete -c leads -n "__fish_leads_using_subcommand triage" -l fit -d 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)' -r -f -a "match\t'Meets every condition set'
partial\t'Misses only budget, fee or schedule'
miss\t'Misses the service or the area'"
complete -c leads -n "__fish_leads_using_subcommand triage" -l limit -d 'At most this many leads' -r
complete -c leads -n "__fish_leads_using_subcommand triage" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand triage" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand triage" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand triage" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand triage" -s y -l yes -d 'Do not ask for confirmation (needed without a terminal for an accept or for several leads)'
complete -c leads -n "__fish_leads_using_subcommand triage" -l dry-run -d 'Show what would be decided, the fees and the rate effect, and change nothing'
complete -c leads -n "__fish_leads_using_subcommand triage" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand triage" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand triage" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand triage" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand triage" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand triage" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand triage" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand status" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand status" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand status" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand status" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand status" -l check -d 'Exit 0 when safe, 10 when at risk (letting pending leads lapse would drop the rate below the threshold), 11 when already below: for cron jobs and shell prompts'
complete -c leads -n "__fish_leads_using_subcommand status" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand status" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand status" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand status" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand status" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand status" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand followups" -l category -d 'Only these categories (repeat or comma-separate: --category cleaning,moving)' -r
complete -c leads -n "__fish_leads_using_subcommand followups" -l city -d 'Only these places: part of a city or district name, or a postcode prefix (repeatable)' -r
complete -c leads -n "__fish_leads_using_subcommand followups" -l older-than -d 'Only leads created at least this long ago (e.g. 12h, 2d)' -r
complete -c leads -n "__fish_leads_using_subcommand followups" -l expiring-within -d 'Only answerable leads that lapse within this long (e.g. 6h)' -r
complete -c leads -n "__fish_leads_using_subcommand followups" -l fee-above -d 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)' -r
complete -c leads -n "__fish_leads_using_subcommand followups" -l fee-below -d 'Only leads whose fee is below this amount, in major units' -r
complete -c leads -n "__fish_leads_using_subcommand followups" -l kind -d 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]' -r -f -a "new_lead\t''
promotion\t''
all\t''"
complete -c leads -n "__fish_leads_using_subcommand followups" -l fit -d 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)' -r -f -a "match\t'Meets every condition set'
partial\t'Misses only budget, fee or schedule'
miss\t'Misses the service or the area'"
complete -c leads -n "__fish_leads_using_subcommand followups" -l limit -d 'At most this many leads' -r
complete -c leads -n "__fish_leads_using_subcommand followups" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand followups" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand followups" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand followups" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand followups" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand followups" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand followups" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand followups" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand followups" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand followups" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand followups" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand reply" -s m -l message -d 'The reply itself, instead of an editor; - reads it from stdin' -r
complete -c leads -n "__fish_leads_using_subcommand reply" -l template -d 'The template the draft starts from' -r
complete -c leads -n "__fish_leads_using_subcommand reply" -l via -d 'How the reply reaches the customer' -r -f -a "platform\t''
phone\t''
email\t''
sms\t''
visit\t''
other\t''"
complete -c leads -n "__fish_leads_using_subcommand reply" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand reply" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand reply" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand reply" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand reply" -l generic-ok -d 'Record a reply even if it mentions nothing of this customer\'s request'
complete -c leads -n "__fish_leads_using_subcommand reply" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand reply" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand reply" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand reply" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand reply" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand reply" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand reply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand report" -l since -d 'The period: leads that arrived since then (a span back such as 90d, or a date)' -r
complete -c leads -n "__fish_leads_using_subcommand report" -l by -d 'Break the figures down by category, by month of arrival, or by contact fee' -r -f -a "category\t''
month\t''
fee\t''"
complete -c leads -n "__fish_leads_using_subcommand report" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand report" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand report" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand report" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand report" -l csv -d 'Comma-separated values for a spreadsheet: one row per group (or the total), amounts in major units'
complete -c leads -n "__fish_leads_using_subcommand report" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand report" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand report" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand report" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand report" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand report" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand contact" -l from -d 'Who made the contact' -r -f -a "customer\t''
pro\t''"
complete -c leads -n "__fish_leads_using_subcommand contact" -l via -d 'How it was made' -r -f -a "platform\t''
phone\t''
email\t''
sms\t''
visit\t''
other\t''"
complete -c leads -n "__fish_leads_using_subcommand contact" -l note -d 'What was said (needed for the platform chat)' -r
complete -c leads -n "__fish_leads_using_subcommand contact" -l at -d 'When it happened, if not now: a span back (3h), a local time (2026-11-23 14:30), a date, or RFC 3339' -r
complete -c leads -n "__fish_leads_using_subcommand contact" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand contact" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand contact" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand contact" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand contact" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand contact" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand contact" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand contact" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand contact" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand contact" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand contact" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand won" -l value -d 'What the job is worth, in major units of the lead\'s currency (1,800 or 1800.50)' -r
complete -c leads -n "__fish_leads_using_subcommand won" -l note -d 'Your words about it' -r
complete -c leads -n "__fish_leads_using_subcommand won" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand won" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand won" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand won" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand won" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand won" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand won" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand won" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand won" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand won" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand won" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand lost" -l reason -d 'Why, in your words ("went with a cheaper quote")' -r
complete -c leads -n "__fish_leads_using_subcommand lost" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand lost" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand lost" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand lost" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand lost" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand lost" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand lost" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand lost" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand lost" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand lost" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand lost" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand history" -l since -d 'Only decisions made since then: a span back from now (7d, 12h), a date (2026-11-01, local midnight) or an RFC 3339 time' -r
complete -c leads -n "__fish_leads_using_subcommand history" -l action -d 'Only accepts or only rejects' -r -f -a "accept\t''
reject\t''"
complete -c leads -n "__fish_leads_using_subcommand history" -l category -d 'Only these categories (repeat or comma-separate: --category cleaning,moving)' -r
complete -c leads -n "__fish_leads_using_subcommand history" -l city -d 'Only these places: part of a city or district name, or a postcode prefix (repeatable)' -r
complete -c leads -n "__fish_leads_using_subcommand history" -l older-than -d 'Only leads created at least this long ago (e.g. 12h, 2d)' -r
complete -c leads -n "__fish_leads_using_subcommand history" -l expiring-within -d 'Only answerable leads that lapse within this long (e.g. 6h)' -r
complete -c leads -n "__fish_leads_using_subcommand history" -l fee-above -d 'Only leads whose fee is above this amount, in major units (e.g. 150 or 99.50)' -r
complete -c leads -n "__fish_leads_using_subcommand history" -l fee-below -d 'Only leads whose fee is below this amount, in major units' -r
complete -c leads -n "__fish_leads_using_subcommand history" -l kind -d 'New Leads (which need an answer), promotions (auto-quoted), or both [default: new_lead]' -r -f -a "new_lead\t''
promotion\t''
all\t''"
complete -c leads -n "__fish_leads_using_subcommand history" -l fit -d 'Only leads of this fit to your working conditions: match, partial, miss (comma-separate several)' -r -f -a "match\t'Meets every condition set'
partial\t'Misses only budget, fee or schedule'
miss\t'Misses the service or the area'"
complete -c leads -n "__fish_leads_using_subcommand history" -l limit -d 'At most this many leads' -r
complete -c leads -n "__fish_leads_using_subcommand history" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand history" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand history" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand history" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand history" -l csv -d 'Print CSV with a header row (for a spreadsheet), instead of a table'
complete -c leads -n "__fish_leads_using_subcommand history" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand history" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand history" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand history" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand history" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand history" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand import" -l format -d 'The file\'s format; by default from the extension, else from the content' -r -f -a "auto\t''
json\t'A JSON array of leads, or an API page {"data": [...]}'
ndjson\t'One JSON lead per line'
csv\t''"
complete -c leads -n "__fish_leads_using_subcommand import" -l database -d 'Import into this PostgreSQL database (postgres://USER@HOST:PORT/DB, the one `leads serve --database` serves) instead of the local store; the password comes from PGPASSWORD or ~/.pgpass' -r
complete -c leads -n "__fish_leads_using_subcommand import" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand import" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand import" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand import" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand import" -l from-store -d 'With --database: copy every lead of the data dir\'s store, with its decision, charge, messages and outcome, into the database (moving a server from SQLite to PostgreSQL)'
complete -c leads -n "__fish_leads_using_subcommand import" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand import" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand import" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand import" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand import" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand import" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand sync" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand sync" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand sync" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand sync" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand sync" -l status -d 'Send and fetch nothing: show what waits, per account (webhooks not processed yet, messages and decisions not sent yet)'
complete -c leads -n "__fish_leads_using_subcommand sync" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand sync" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand sync" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand sync" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand sync" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand sync" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand serve" -l listen -d 'Address and port to listen on (port 0 picks a free one)' -r
complete -c leads -n "__fish_leads_using_subcommand serve" -l tokens-file -d 'File of API tokens, one a line (blank lines and # comments ignored)' -r -F
complete -c leads -n "__fish_leads_using_subcommand serve" -l database -d 'Keep the store in this PostgreSQL database (postgres://USER@HOST:PORT/DB), which several servers may share; the password comes from PGPASSWORD or ~/.pgpass. Default: the config\'s server.database, else the SQLite store in the data dir' -r
complete -c leads -n "__fish_leads_using_subcommand serve" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand serve" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand serve" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand serve" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand serve" -l behind-tls -d 'TLS is terminated by a proxy in front of this server: do not warn about a public address'
complete -c leads -n "__fish_leads_using_subcommand serve" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand serve" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand serve" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand serve" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand serve" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand serve" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand demo" -l count -d 'How many pending New Leads to make' -r
complete -c leads -n "__fish_leads_using_subcommand demo" -l history -d 'How many past leads (decided, lapsed, promotions) to spread over the rate window' -r
complete -c leads -n "__fish_leads_using_subcommand demo" -l seed -d 'Seed for the generator: the same seed and clock give the same leads' -r
complete -c leads -n "__fish_leads_using_subcommand demo" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand demo" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand demo" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand demo" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand demo" -l force -d 'Add the sample leads even though the store holds other leads (they are never touched)'
complete -c leads -n "__fish_leads_using_subcommand demo" -l no-show -d 'Only fill the store; do not show the triage view afterwards'
complete -c leads -n "__fish_leads_using_subcommand demo" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand demo" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand demo" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand demo" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand demo" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand demo" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand completions" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand completions" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand completions" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand completions" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand completions" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand completions" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand completions" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand completions" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand completions" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand completions" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -f -a "path" -d 'Where the config file and the lead store are'
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -f -a "show" -d 'The configuration in effect: the file\'s values over the defaults'
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -f -a "check" -d 'Check the config file; exits 3 with the problem when it is invalid'
complete -c leads -n "__fish_leads_using_subcommand config; and not __fish_seen_subcommand_from path show check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from path" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from path" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from path" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from path" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from path" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from path" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from show" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from show" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from show" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from show" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from check" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/leads/config.toml]' -r -F
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from check" -l data-dir -d 'Where the lead store lives [default: the platform data dir, e.g. ~/.local/share/leads]' -r -F
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from check" -l account -d 'Work on this account only ([[sources]] in the config): its leads, its rate, its platform' -r
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from check" -l color -d 'When to colour output' -r -f -a "auto\t'Colour when the stream is a terminal, unless NO_COLOR or TERM=dumb says otherwise'
always\t''
never\t''"
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from check" -l json -d 'Print JSON (stable field names, never coloured)'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from check" -l plain -d 'Print tab-separated records without headers or colour (the default when piped)'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from check" -l no-input -d 'Never prompt; a command that would ask fails instead, naming the flag to pass'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from check" -l offline -d 'Remote source: answer from the local cache, without the network'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from check" -s q -l quiet -d 'No summaries on stderr; warnings, errors and the data itself still print'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Diagnostics on stderr: -v for what is read and sent, -vv for more (never the API token)'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Where the config file and the lead store are'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'The configuration in effect: the file\'s values over the defaults'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check the config file; exits 3 with the problem when it is invalid'
complete -c leads -n "__fish_leads_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "inbox" -d 'Walk the pending leads, most urgent first, and accept or reject each in a keystroke'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "list" -d 'Pending New Leads, most urgent first, with fee and freshness countdown'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "show" -d 'One lead in full: answers, message, schedule, budget, fee, countdown, decision'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "accept" -d 'Accept leads: pay their contact fees and get the customers\' details'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "reject" -d 'Reject leads: free, and it counts as a response'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "triage" -d 'Apply the [[rules]] of the config: reject (or accept) the leads that miss your working conditions'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "status" -d 'Your response rate, how many leads may lapse, what must be answered, and this week\'s spend'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "followups" -d 'Accepted leads whose customer waits on you, longest first, then the ones to nudge'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "reply" -d 'Reply to an accepted lead\'s customer: a template filled from the lead, in your editor'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "report" -d 'What the leads cost and earned: spend, replies, wins, cost per win, wasted fees, with charts'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "contact" -d 'Log a contact with an accepted lead\'s customer: a call, a visit, a message'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "won" -d 'Mark an accepted lead won: the customer hired you'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "lost" -d 'Mark an accepted lead lost: the customer went elsewhere'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "history" -d 'The decision log: when each lead arrived, how and when it was answered, what it cost'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "import" -d 'Add or update leads from a JSON, NDJSON, API-page or CSV file (or - for stdin)'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "sync" -d 'Remote source: send queued decisions, pull pending leads, refresh the server\'s rate'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "serve" -d 'Serve the Leads API v1 from this store, for a shared queue or a remote client'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "demo" -d 'Fill the store with realistic sample leads and show them'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "completions" -d 'Print the shell completion script for bash, zsh, fish, powershell or elvish'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "config" -d 'Where the config is, what it says, and whether it is valid'
complete -c leads -n "__fish_leads_using_subcommand help; and not __fish_seen_subcommand_from inbox list show accept reject triage status followups reply report contact won lost history import sync serve demo completions config help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c leads -n "__fish_leads_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Where the config file and the lead store are'
complete -c leads -n "__fish_leads_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'The configuration in effect: the file\'s values over the defaults'
complete -c leads -n "__fish_leads_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Check the config file; exits 3 with the problem when it is invalid'
