namespace LeastPriv.Shell;

/// <summary>The command line, in the same shape as pwsh's: -Command / -File and their arguments.</summary>
internal sealed class ShellOptions
{
    public string? Command { get; private set; }

    public string? File { get; private set; }

    public List<string> FileArguments { get; } = [];

    public bool NonInteractive { get; private set; }

    public bool ShowHelp { get; private set; }

    /// <summary>Run against the local AWS stand-in, started for this run and stopped afterwards.</summary>
    public bool StandIn { get; private set; }

    /// <summary>With <see cref="StandIn"/>: the LEASTPRIV_HOME to use and keep instead of a temporary one.</summary>
    public string? StandInHome { get; private set; }

    public string? Error { get; private set; }

    public const string Usage = """
        LeastPriv.Shell: runs PowerShell with the LeastPriv module imported.

          LeastPriv.Shell -Command "<script>"          run a script given inline (the rest of the line)
          LeastPriv.Shell -File <path.ps1> [args...]   run a script file with arguments
          LeastPriv.Shell                              read commands from standard input, one per line

        Options (before -Command or -File): -NonInteractive (prompts fail instead of reading stdin),
        -NoProfile, -NoLogo (accepted for compatibility with pwsh), -Help.
          -StandIn                   start the local AWS stand-in (moto_server behind the LeastPriv
                                     emulator layer, IAM enforced) for this run: AWS_ENDPOINT_URL,
                                     the region and a temporary profile with its operator's keys are
                                     set for the script, LEASTPRIV_HOME is a temporary folder; all of
                                     it is stopped and removed when the script ends, also on error
                                     or Ctrl+C. Needs moto_server and aws (PATH or $HOME/.pyenv/shims).
          -StandInHome <dir>         with -StandIn: keep session manifests in <dir> instead.
        Exit codes: the script's (exit N, or 1 when it failed); 3 when the module is not built or
        the stand-in cannot start; 64 for a bad command line.
        Environment: LEASTPRIV_MODULE_PATH = the module's .psd1 (or its folder) to import instead
        of the one staged under out/LeastPriv.
        Only Microsoft.PowerShell.Core commands exist in this engine, plus .NET.
        """;

    public static ShellOptions Parse(IReadOnlyList<string> args)
    {
        var options = ParseArguments(args);
        if (options.Error is null && options.StandInHome is not null && !options.StandIn)
        {
            options.Error = "-StandInHome needs -StandIn.";
        }

        return options;
    }

    private static ShellOptions ParseArguments(IReadOnlyList<string> args)
    {
        var options = new ShellOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (Normalize(arg))
            {
                case "command" or "c":
                    // Like pwsh: everything after -Command is the script.
                    options.Command = string.Join(" ", args.Skip(i + 1));
                    if (options.Command.Length == 0)
                    {
                        options.Error = "-Command needs a script.";
                    }

                    return options;
                case "file" or "f":
                    if (i + 1 >= args.Count)
                    {
                        options.Error = "-File needs a path.";
                        return options;
                    }

                    options.File = args[i + 1];
                    options.FileArguments.AddRange(args.Skip(i + 2));
                    return options;
                case "noninteractive":
                    options.NonInteractive = true;
                    break;
                case "standin":
                    options.StandIn = true;
                    break;
                case "standinhome":
                    if (i + 1 >= args.Count)
                    {
                        options.Error = "-StandInHome needs a folder.";
                        return options;
                    }

                    options.StandInHome = args[++i];
                    break;
                case "noprofile" or "nologo":
                    break;
                case "help" or "h" or "?":
                    options.ShowHelp = true;
                    return options;
                default:
                    options.Error = $"Unknown argument '{arg}'.";
                    return options;
            }
        }

        return options;
    }

    private static string Normalize(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..].ToLowerInvariant()
        : arg.StartsWith('-') || arg.StartsWith('/') ? arg[1..].ToLowerInvariant()
        : "\0" + arg;
}
