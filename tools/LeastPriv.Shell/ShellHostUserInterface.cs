using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace LeastPriv.Shell;

/// <summary>
/// Console I/O for the engine. Pipeline output goes to stdout; errors, warnings, verbose and
/// debug lines and progress go to stderr so a script's output can be piped cleanly. Prompts
/// (Read-Host, -Confirm) read stdin and fail clearly when there is none.
/// </summary>
internal sealed class ShellHostUserInterface : PSHostUserInterface
{
    private readonly ShellRawUserInterface _raw = new();
    private readonly bool _interactive;
    private readonly object _sync = new();
    private bool _progressShown;

    public ShellHostUserInterface(bool interactive)
    {
        _interactive = interactive;
    }

    public override PSHostRawUserInterface RawUI => _raw;

    public override void Write(string value) => Out(Console.Out, value);

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Out(Console.Out, value);

    public override void WriteLine(string value) => Out(Console.Out, value + Environment.NewLine);

    public override void WriteErrorLine(string value) => Out(Console.Error, value + Environment.NewLine);

    public override void WriteWarningLine(string message) => Out(Console.Error, "WARNING: " + message + Environment.NewLine);

    public override void WriteVerboseLine(string message) => Out(Console.Error, "VERBOSE: " + message + Environment.NewLine);

    public override void WriteDebugLine(string message) => Out(Console.Error, "DEBUG: " + message + Environment.NewLine);

    public override void WriteInformation(InformationRecord record)
    {
        // Write-Host reaches WriteLine/Write itself; other information records stay silent
        // unless $InformationPreference shows them, which the engine decides.
    }

    /// <summary>One status line on an interactive stderr; nothing when stderr is redirected.</summary>
    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        if (Console.IsErrorRedirected)
        {
            return;
        }

        lock (_sync)
        {
            if (record.RecordType == ProgressRecordType.Completed)
            {
                ClearProgress();
                return;
            }

            var text = new StringBuilder(record.Activity);
            if (!string.IsNullOrEmpty(record.StatusDescription))
            {
                text.Append(": ").Append(record.StatusDescription);
            }

            if (record.PercentComplete >= 0)
            {
                text.Append(" [").Append(record.PercentComplete).Append("%]");
            }

            var width = Math.Max(20, _raw.BufferSize.Width - 1);
            var line = text.Length > width ? text.ToString(0, width) : text.ToString().PadRight(width);
            Console.Error.Write("\r" + line);
            _progressShown = true;
        }
    }

    public override string ReadLine()
    {
        RequireInput("Read-Host");
        return Console.ReadLine() ?? throw NoInput("Read-Host");
    }

    public override SecureString ReadLineAsSecureString()
    {
        var secure = new SecureString();
        foreach (var c in ReadLine())
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        RequireInput(caption);
        WritePromptHeader(caption, message);
        var result = new Dictionary<string, PSObject>();
        foreach (var field in descriptions)
        {
            Out(Console.Out, field.Name + ": ");
            var line = Console.ReadLine() ?? throw NoInput(field.Name);
            result[field.Name] = PSObject.AsPSObject(line);
        }

        return result;
    }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        RequireInput(caption);
        WritePromptHeader(caption, message);
        var hotkeys = choices.Select(Hotkey).ToList();
        var menu = string.Join("  ", choices.Select((c, i) => $"[{hotkeys[i]}] {c.Label.Replace("&", string.Empty, StringComparison.Ordinal)}"));
        while (true)
        {
            var suffix = defaultChoice >= 0 ? $" (default is \"{hotkeys[defaultChoice]}\")" : string.Empty;
            Out(Console.Out, menu + suffix + ": ");
            var answer = (Console.ReadLine() ?? throw NoInput(caption)).Trim();
            if (answer.Length == 0 && defaultChoice >= 0)
            {
                return defaultChoice;
            }

            for (var i = 0; i < choices.Count; i++)
            {
                var label = choices[i].Label.Replace("&", string.Empty, StringComparison.Ordinal);
                if (string.Equals(answer, hotkeys[i], StringComparison.OrdinalIgnoreCase) || string.Equals(answer, label, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
        }
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override PSCredential PromptForCredential(
        string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        RequireInput(caption);
        WritePromptHeader(caption, message);
        if (string.IsNullOrEmpty(userName))
        {
            Out(Console.Out, "User: ");
            userName = Console.ReadLine() ?? throw NoInput("User");
        }

        Out(Console.Out, "Password for " + userName + ": ");
        return new PSCredential(userName, ReadLineAsSecureString());
    }

    private static string Hotkey(ChoiceDescription choice)
    {
        var amp = choice.Label.IndexOf('&', StringComparison.Ordinal);
        return amp >= 0 && amp + 1 < choice.Label.Length ? choice.Label[amp + 1].ToString().ToUpperInvariant() : choice.Label[..1];
    }

    private void WritePromptHeader(string caption, string message)
    {
        if (!string.IsNullOrEmpty(caption))
        {
            Out(Console.Out, caption + Environment.NewLine);
        }

        if (!string.IsNullOrEmpty(message))
        {
            Out(Console.Out, message + Environment.NewLine);
        }
    }

    private void RequireInput(string what)
    {
        if (!_interactive)
        {
            throw new PSInvalidOperationException($"'{what}' needs an answer but LeastPriv.Shell runs with -NonInteractive. Pass the value, -Confirm:$false or -Force instead.");
        }
    }

    private static PSInvalidOperationException NoInput(string what) =>
        new($"'{what}' needs an answer but standard input is closed. Pass the value, -Confirm:$false or -Force instead.");

    /// <summary>True when stdout is a terminal (the engine may then emit ANSI styles).</summary>
    public override bool SupportsVirtualTerminal => Colors(Console.Out);

    private static bool Colors(TextWriter writer) =>
        Environment.GetEnvironmentVariable("NO_COLOR") is not { Length: > 0 }
        && !(writer == Console.Error ? Console.IsErrorRedirected : Console.IsOutputRedirected);

    private void Out(TextWriter writer, string text)
    {
        // The engine decorates table headers and errors with ANSI styles; a pipe or a file
        // gets plain text ($PSStyle.OutputRendering decides, as in pwsh).
        text = GetOutputString(text, Colors(writer));
        lock (_sync)
        {
            ClearProgress();
            writer.Write(text);
            writer.Flush();
        }
    }

    private void ClearProgress()
    {
        if (_progressShown)
        {
            Console.Error.Write("\r" + new string(' ', Math.Max(20, _raw.BufferSize.Width - 1)) + "\r");
            _progressShown = false;
        }
    }
}
