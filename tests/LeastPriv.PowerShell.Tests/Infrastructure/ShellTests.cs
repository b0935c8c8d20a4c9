using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Infrastructure;

[Trait("Category", "Integration")]
public sealed class ShellTests
{
    [Fact]
    public void Command_ImportsStagedModuleAndRendersFormatView()
    {
        var module = WidgetModule();

        var result = ShellProcess.Run([
            "-NonInteractive", "-Command",
            $"(Get-Module LeastPriv).Version.ToString(); Import-Module '{module}'; [pscustomobject]@{{ PSTypeName = 'LeastPriv.Tests.Widget'; Name = 'w-1'; Size = 42 }}",
        ]);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var lines = result.StdOut.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        Assert.Equal(RepoPaths.ModuleVersion, lines[0]);
        // The view's own column labels, not the property names: the format view was used.
        Assert.Matches(@"^Widget name\s+Size in bytes$", lines[1]);
        Assert.Matches(@"^w-1\s+42$", lines[3]);
        Assert.DoesNotContain("\u001b[", result.StdOut);
    }

    [Fact]
    public void Command_ModuleOutput_RendersWithTheModulesTableView()
    {
        // The columns the module's own view declares for LeastPriv.LPCloudTrailEvent; without
        // the view, an object with this many properties would be shown as a list.
        var format = System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.ModuleDirectory, "LeastPriv.Format.ps1xml"));
        var view = format.Descendants("View").First(v => v.Descendants("TypeName").Any(t => t.Value == "LeastPriv.LPCloudTrailEvent"));
        var labels = view.Descendants("TableColumnHeader").Select(h => h.Element("Label")?.Value).ToList();
        var logs = Path.Combine(RepoPaths.Root, "examples", "logs");

        var result = ShellProcess.Run(["-NonInteractive", "-Command", $"Get-LPCloudTrailEvent -Path '{logs}'"]);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var lines = result.StdOut.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(labels);
        Assert.Equal(labels, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^-+( +-+)+$", lines[1]);
        Assert.True(lines.Count > 2, "no events were rendered");
    }

    [Fact]
    public void File_WithArguments_BindsNamedSwitchAndPositional()
    {
        var script = TempScript("""
            param([string] $Name, [switch] $Loud, [int] $Count)
            "Name=$Name|Loud=$Loud|Count=$Count|Rest=$($args -join ',')"
            """);

        var result = ShellProcess.Run(["-File", script, "-Name", "it's me", "-Loud", "-Count", "3"]);

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Equal("Name=it's me|Loud=True|Count=3|Rest=", result.StdOut.Trim());
    }

    [Fact]
    public void File_ExitN_IsTheProcessExitCode()
    {
        var script = TempScript("""
            "before"
            exit 7
            "after"
            """);

        var result = ShellProcess.Run(["-File", script]);

        Assert.Equal(7, result.ExitCode);
        Assert.Equal("before", result.StdOut.Trim());
    }

    [Fact]
    public void Command_ExitN_IsTheProcessExitCode()
    {
        var result = ShellProcess.Run(["-Command", "'out'; exit 4"]);

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("out", result.StdOut.Trim());
    }

    [Fact]
    public void Command_TerminatingError_ExitsNonZeroWithTheErrorOnStderr()
    {
        var result = ShellProcess.Run(["-Command", "'first'; throw 'the discovery failed'; 'never'"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("first", result.StdOut.Trim());
        Assert.Contains("the discovery failed", result.StdErr);
        Assert.DoesNotContain("never", result.StdOut);
    }

    [Fact]
    public void File_ErrorActionStop_ExitsNonZero()
    {
        var script = TempScript("""
            $ErrorActionPreference = 'Stop'
            Get-Command -Name Get-LPNoSuchCommand
            'never'
            """);

        var result = ShellProcess.Run(["-File", script]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Get-LPNoSuchCommand", result.StdErr);
        Assert.DoesNotContain("never", result.StdOut);
    }

    [Fact]
    public void File_AdvancedScriptStoppedByError_ExitsNonZero()
    {
        // In an advanced script a terminating error only ends the script's own statement for
        // the caller, so nothing throws at the top: the exit code must still say it failed.
        var script = TempScript("""
            [CmdletBinding()] param()
            $ErrorActionPreference = 'Stop'
            function Invoke-Step { Get-Command -Name Get-LPNoSuchCommand }
            Invoke-Step
            'never'
            """);

        var result = ShellProcess.Run(["-File", script]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Get-LPNoSuchCommand", result.StdErr);
        Assert.DoesNotContain("never", result.StdOut);
    }

    [Fact]
    public void Command_ConfirmPrompt_ReadsTheAnswerFromStdin()
    {
        const string script = "function Remove-Thing { [CmdletBinding(SupportsShouldProcess)] param() if ($PSCmdlet.ShouldProcess('thing-1', 'Remove')) { 'removed' } else { 'kept' } }; Remove-Thing -Confirm";

        var yes = ShellProcess.Run(["-Command", script], standardInput: "y\n");
        var no = ShellProcess.Run(["-Command", script], standardInput: "n\n");
        var closed = ShellProcess.Run(["-Command", script], standardInput: string.Empty);

        Assert.Contains("Performing the operation \"Remove\" on target \"thing-1\".", yes.StdOut);
        Assert.EndsWith("removed", yes.StdOut.Trim());
        Assert.EndsWith("kept", no.StdOut.Trim());
        Assert.Contains("standard input is closed", closed.StdErr);
        Assert.DoesNotContain("removed", closed.StdOut);
    }

    [Fact]
    public void Command_WarningAndVerbose_GoToStderrNotStdout()
    {
        var result = ShellProcess.Run(["-Command", "function f { [CmdletBinding()] param() $PSCmdlet.WriteWarning('careful'); $PSCmdlet.WriteVerbose('detail'); 'value' }; f -Verbose"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("value", result.StdOut.Trim());
        Assert.Contains("WARNING: careful", result.StdErr);
        Assert.Contains("VERBOSE: detail", result.StdErr);
    }

    private static string WidgetModule()
    {
        var dir = Directory.CreateTempSubdirectory("lp-widget-").FullName;
        File.WriteAllText(Path.Combine(dir, "Widget.psd1"), """
            @{ ModuleVersion = '1.0.0'; FormatsToProcess = @('Widget.Format.ps1xml') }
            """);
        File.WriteAllText(Path.Combine(dir, "Widget.Format.ps1xml"), """
            <?xml version="1.0" encoding="utf-8"?>
            <Configuration><ViewDefinitions><View>
              <Name>Widget</Name>
              <ViewSelectedBy><TypeName>LeastPriv.Tests.Widget</TypeName></ViewSelectedBy>
              <TableControl>
                <TableHeaders>
                  <TableColumnHeader><Label>Widget name</Label></TableColumnHeader>
                  <TableColumnHeader><Label>Size in bytes</Label></TableColumnHeader>
                </TableHeaders>
                <TableRowEntries><TableRowEntry><TableColumnItems>
                  <TableColumnItem><PropertyName>Name</PropertyName></TableColumnItem>
                  <TableColumnItem><PropertyName>Size</PropertyName></TableColumnItem>
                </TableColumnItems></TableRowEntry></TableRowEntries>
              </TableControl>
            </View></ViewDefinitions></Configuration>
            """);
        return Path.Combine(dir, "Widget.psd1");
    }

    internal static string TempScript(string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("lp-shell-").FullName, "script.ps1");
        File.WriteAllText(path, text);
        return path;
    }
}
