# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tokenctl_global_optspecs
    string join \n db= key-file= format= lang= excel wide h/help V/version
end

function __fish_tokenctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tokenctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tokenctl_using_subcommand
    set -l cmd (__fish_tokenctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tokenctl -n "__fish_tokenctl_needs_command" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_needs_command" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_needs_command" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_needs_command" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_needs_command" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -s V -l version -d 'Print version'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "init" -d 'Create the registry (refuses to overwrite one)'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "import" -d 'Import users (CSV) or the bank\'s delivery of devices (CSV or PSKC)'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "passwd" -d 'Set a master user\'s confirmation password'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "list" -d 'List users with their device and OTP status'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "revoke" -d 'Revoke the devices of one or many users, as a master user'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "register" -d 'Register a device for a user, with its serial and current code'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "expiring" -d 'Report in-service devices expiring soon or already expired (for cron)'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "notices" -d 'Notices for users whose device was revoked and who have not registered a new one yet'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "dispose-note" -d 'Disposal notice for devices out of use; optionally record disposal'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "otp" -d 'Print the code a (simulated) device shows now or at --at'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "devices" -d 'Every device the registry knows: state, holders, expiry, clock offset'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "history" -d 'What happened to a user\'s devices, or to a device, in time order'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "identify" -d 'Find the devices that show CODE now (e.g. a device handed back)'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "resync" -d 'Learn a device\'s clock error anew from two consecutive codes'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "audit" -d 'Show the append-only audit log, newest first'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "unlock" -d 'Clear a login\'s lockout, signed by another master (or --recovery)'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "check" -d 'Verify the registry: SQLite\'s checks, invariants, every row and mark, secrets, audit chain, witness'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "backup" -d 'Copy the registry (consistent while others write), verified; the key is not in it'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "restore" -d 'Put back a verified backup of this registry (the replaced file is kept)'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "rekey" -d 'Rotate the registry key: re-seal every secret and re-MAC every row under a new key file'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "demo" -d 'Walk through the whole procedure on a throw-away registry'
complete -c tokenctl -n "__fish_tokenctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand init" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand init" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand init" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand init" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand init" -l demo -d 'Load the sample organisation of the procedure (implies --simulation)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand init" -l simulation -d 'Mark the registry as a simulation: TOKENCTL_NOW governs every command and `otp` shows codes (training, tests, what-if)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand init" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand init" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand init" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and not __fish_seen_subcommand_from users devices help" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and not __fish_seen_subcommand_from users devices help" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and not __fish_seen_subcommand_from users devices help" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and not __fish_seen_subcommand_from users devices help" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and not __fish_seen_subcommand_from users devices help" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and not __fish_seen_subcommand_from users devices help" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and not __fish_seen_subcommand_from users devices help" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and not __fish_seen_subcommand_from users devices help" -f -a "users" -d 'CSV login_id,name,role,otp_required[,serial]'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and not __fish_seen_subcommand_from users devices help" -f -a "devices" -d 'The bank\'s delivery: CSV serial,secret,expires[,digits,period,algorithm], or a PSKC key container (RFC 6030, recognised by its content)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and not __fish_seen_subcommand_from users devices help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from users" -l encoding -d 'The file\'s encoding: auto reads UTF-8, else Shift_JIS (CP932)' -r -f -a "auto\t'UTF-8 when the whole input is valid UTF-8, else Shift_JIS (CP932)'
utf-8\t'UTF-8 only'
cp932\t'Shift_JIS as Windows and Excel write it (CP932, windows-31j)'"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from users" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from users" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from users" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from users" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from users" -l update -d 'Update users already in the registry (name, role, otp_required) and add the others; a row may not change a user\'s device'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from users" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from users" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from users" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from devices" -l encoding -d 'The file\'s encoding: auto reads UTF-8, else Shift_JIS (CP932)' -r -f -a "auto\t'UTF-8 when the whole input is valid UTF-8, else Shift_JIS (CP932)'
utf-8\t'UTF-8 only'
cp932\t'Shift_JIS as Windows and Excel write it (CP932, windows-31j)'"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from devices" -l pskc-key-file -d 'PSKC: a file holding the pre-shared AES key (hex) the container\'s secrets are encrypted with' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from devices" -l pskc-passphrase-file -d 'PSKC: a file holding the passphrase the container\'s key is derived from (PBKDF2); one trailing newline is ignored' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from devices" -l expires -d 'PSKC: the expiry date of keys for which the container gives none' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from devices" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from devices" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from devices" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from devices" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from devices" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from devices" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from devices" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "users" -d 'CSV login_id,name,role,otp_required[,serial]'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "devices" -d 'The bank\'s delivery: CSV serial,secret,expires[,digits,period,algorithm], or a PSKC key container (RFC 6030, recognised by its content)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l password-file -d 'Read the password from a file' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l current-password-file -d 'Read the current password from a file (to change an existing one)' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l master-password-file -d 'Read the signing master\'s password from a file (with --as)' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l as -d 'Another master who signs the change with their password and code' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l otp -d 'The current code of the signing master\'s device (with --as)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l password-stdin -d 'Read the password from stdin'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand passwd" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -l status -d 'Only users with this OTP status' -r -f -a "active\t'A device is registered (shown as "in service")'
revoked\t'No device; a registration is due (shown as "revoked", or "not registered" for a user who never had one)'
not-required\t'The user does not use one-time passwords (shown as "not required")'"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -l role -d 'Only users with this role' -r -f -a "master\t''
general\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -l user -d 'Only this login ID' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -l serial -d 'Only users of this device' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -l waiting-over -d 'With --status revoked: only users who could have registered a new device for longer than this and have not (7d, 1w, 7日, 1週)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l targets-file -d 'Login IDs, one per line (# comments allowed); - for stdin' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l encoding -d 'The targets file\'s encoding: auto reads UTF-8, else Shift_JIS (CP932)' -r -f -a "auto\t'UTF-8 when the whole input is valid UTF-8, else Shift_JIS (CP932)'
utf-8\t'UTF-8 only'
cp932\t'Shift_JIS as Windows and Excel write it (CP932, windows-31j)'"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l password-file -d 'Read the password from a file' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l as -d 'The master user performing the revocation' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l expiring-within -d 'Every user whose in-service device expires within this window (30d, 4w, 3mo, 30日, 4週, 4週間, 1か月)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l otp -d 'The current code of the master\'s device (prompted on a TTY when missing)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l bank-reference -d 'Record a revocation the bank carried out, with the bank\'s reference' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l revoked-at -d 'When the bank revoked (RFC 3339; default now; never in the future)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l password-stdin -d 'Read the password from stdin'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l dry-run -d 'Show what would be revoked; needs no credentials and changes nothing'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l yes -d 'Do not ask for confirmation'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l lost -d 'With --bank-reference: the device was lost; it is recorded as lost and never offered for disposal (every holder must be revoked)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand register" -l user -d 'The user registering the device (each user registers for themselves)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand register" -l serial -d 'The serial number printed on the new device' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand register" -l otp -d 'The code the device shows now (prompted on a TTY when missing)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand register" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand register" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand register" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand register" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand register" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand register" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand register" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand expiring" -l within -d 'The window: 30d, 4w, 3mo, 30日, 4週, 4週間 or 1か月' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand expiring" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand expiring" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand expiring" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand expiring" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand expiring" -l exit-code -d 'Exit 10 when any device is reported'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand expiring" -l summary -d 'Devices in service expiring per month, for the next 12 months (from the current month in Japan), and those already expired'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand expiring" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand expiring" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand expiring" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand notices" -l out -d 'Write one plain-text letter per user to DIR/LOGIN_ID.txt, in the chosen language (DIR is created 0700; no existing letter is ever overwritten: then nothing is written)' -r -f -a "(__fish_complete_directories)"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand notices" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand notices" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand notices" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand notices" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand notices" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand notices" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand notices" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand dispose-note" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand dispose-note" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand dispose-note" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand dispose-note" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand dispose-note" -l mark-disposed -d 'Record the disposal of the devices listed'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand dispose-note" -l all -d 'With --mark-disposed and no serials: every device out of use'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand dispose-note" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand dispose-note" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand dispose-note" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand otp" -l clock-offset -d 'The code the device shows when its clock is off by this much (+95s, -3m, +1h): a drifted device, for training and tests' -r
complete -c tokenctl -n "__fish_tokenctl_using_subcommand otp" -l at -d 'The instant to compute the code for (RFC 3339)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand otp" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand otp" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand otp" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand otp" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand otp" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand otp" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand otp" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand devices" -l state -d 'Only devices in this state' -r -f -a "in-stock\t''
in-service\t''
out-of-use\t''
disposed\t''
lost\t''
expired\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand devices" -l expiring-within -d 'Only devices not yet expired whose expiry date falls within this window (30d, 4w, 30日, 4週, 1か月)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand devices" -l serial -d 'Only this device' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand devices" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand devices" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand devices" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand devices" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand devices" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand devices" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand devices" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand history" -l user -d 'The history of this user\'s devices' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand history" -l serial -d 'The history of this device' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand history" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand history" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand history" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand history" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand history" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand history" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand identify" -l state -d 'Only devices in this state' -r -f -a "in-stock\t''
in-service\t''
out-of-use\t''
disposed\t''
lost\t''
expired\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand identify" -l otp -d 'The code the device in hand shows now' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand identify" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand identify" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand identify" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand identify" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand identify" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand identify" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand identify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand resync" -l otp -d 'Two consecutive codes the device shows, in order: --otp CODE1 --otp CODE2 (prompted on a TTY when missing)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand resync" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand resync" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand resync" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand resync" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand resync" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand resync" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand resync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand audit" -l action -d 'Only rows of this action (e.g. revoke, register, unlock)' -r
complete -c tokenctl -n "__fish_tokenctl_using_subcommand audit" -l limit -d 'Show at most N rows' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand audit" -l actor -d 'Only rows of this actor (a login ID, or os:ACCOUNT)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand audit" -l since -d 'Only rows acting at or after this instant (RFC 3339)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand audit" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand audit" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand audit" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand audit" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand audit" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand audit" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand audit" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l password-file -d 'Read the password from a file' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l serial -d 'A device locked after five failed resynchronisations while no one held it (instead of a login)' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l as -d 'The master who signs the unlock with their password and code' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l otp -d 'The current code of the signing master\'s device' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l password-stdin -d 'Read the password from stdin'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l recovery -d 'The way out when no master can sign: needs the key file and a confirmation; audited as a recovery'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l yes -d 'Do not ask for confirmation (with --recovery)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand unlock" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand check" -l expect-head -d 'Also require this audit head (hex), recorded earlier, to be in the chain' -r -f
complete -c tokenctl -n "__fish_tokenctl_using_subcommand check" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand check" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand check" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand check" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand check" -l backup -d 'The registry is a backup: its witness may be ahead of it (not diverged)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand check" -l quick -d 'SQLite\'s quick_check, not integrity_check: indexes are not compared with their tables; tokenctl\'s own checks all run'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand check" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand check" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand check" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand backup" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand backup" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand backup" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand backup" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand backup" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand backup" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand backup" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand restore" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand restore" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand restore" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand restore" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand restore" -l yes -d 'Do not ask for confirmation (needed without a terminal)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand restore" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand restore" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand restore" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand rekey" -l new-key-file -d 'Where to write the new key file (0600; never over an existing file)' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand rekey" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand rekey" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand rekey" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand rekey" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand rekey" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand rekey" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand rekey" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand completions" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand completions" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand completions" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand completions" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand completions" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand completions" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand man" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand man" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand man" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand man" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand man" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand man" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand demo" -l db -d 'The registry file [env: TOKENCTL_DB] [default: registry.db in the platform\'s data directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand demo" -l key-file -d 'The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key in the platform\'s config directory]' -r -F
complete -c tokenctl -n "__fish_tokenctl_using_subcommand demo" -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand demo" -l lang -d 'Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL, LC_MESSAGES or LANG]' -r -f -a "en\t''
ja\t''"
complete -c tokenctl -n "__fish_tokenctl_using_subcommand demo" -l excel -d 'With --format csv: CSV for Excel, UTF-8 with a byte-order mark and CRLF line ends (an error with any other format)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand demo" -l wide -d 'Draw tables at full width on a terminal too, instead of fitting them to its width (piped output is never cut)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand demo" -s h -l help -d 'Print help'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "init" -d 'Create the registry (refuses to overwrite one)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "import" -d 'Import users (CSV) or the bank\'s delivery of devices (CSV or PSKC)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "passwd" -d 'Set a master user\'s confirmation password'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "list" -d 'List users with their device and OTP status'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "revoke" -d 'Revoke the devices of one or many users, as a master user'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "register" -d 'Register a device for a user, with its serial and current code'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "expiring" -d 'Report in-service devices expiring soon or already expired (for cron)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "notices" -d 'Notices for users whose device was revoked and who have not registered a new one yet'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "dispose-note" -d 'Disposal notice for devices out of use; optionally record disposal'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "otp" -d 'Print the code a (simulated) device shows now or at --at'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "devices" -d 'Every device the registry knows: state, holders, expiry, clock offset'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "history" -d 'What happened to a user\'s devices, or to a device, in time order'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "identify" -d 'Find the devices that show CODE now (e.g. a device handed back)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "resync" -d 'Learn a device\'s clock error anew from two consecutive codes'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "audit" -d 'Show the append-only audit log, newest first'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "unlock" -d 'Clear a login\'s lockout, signed by another master (or --recovery)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "check" -d 'Verify the registry: SQLite\'s checks, invariants, every row and mark, secrets, audit chain, witness'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "backup" -d 'Copy the registry (consistent while others write), verified; the key is not in it'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "restore" -d 'Put back a verified backup of this registry (the replaced file is kept)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "rekey" -d 'Rotate the registry key: re-seal every secret and re-MAC every row under a new key file'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "completions" -d 'Print shell completions'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "man" -d 'Print the man page (roff)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "demo" -d 'Walk through the whole procedure on a throw-away registry'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and not __fish_seen_subcommand_from init import passwd list revoke register expiring notices dispose-note otp devices history identify resync audit unlock check backup restore rekey completions man demo help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "users" -d 'CSV login_id,name,role,otp_required[,serial]'
complete -c tokenctl -n "__fish_tokenctl_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "devices" -d 'The bank\'s delivery: CSV serial,secret,expires[,digits,period,algorithm], or a PSKC key container (RFC 6030, recognised by its content)'
