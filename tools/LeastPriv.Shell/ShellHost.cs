using System.Globalization;
using System.Management.Automation.Host;

namespace LeastPriv.Shell;

/// <summary>The host the engine talks to: output, prompts and exit requests.</summary>
internal sealed class ShellHost : PSHost
{
    private readonly ShellHostUserInterface _ui;

    public ShellHost(bool interactive)
    {
        _ui = new ShellHostUserInterface(interactive);
    }

    public override string Name => "LeastPriv.Shell";

    public override Version Version { get; } = typeof(ShellHost).Assembly.GetName().Version ?? new Version(0, 0);

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override PSHostUserInterface UI => _ui;

    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    /// <summary>Set when a script ran <c>exit N</c> at the top level.</summary>
    public int? ExitCode { get; private set; }

    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;

    public override void EnterNestedPrompt() => throw new NotSupportedException("LeastPriv.Shell has no nested prompt.");

    public override void ExitNestedPrompt() => throw new NotSupportedException("LeastPriv.Shell has no nested prompt.");

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }
}
