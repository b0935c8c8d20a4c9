using System.Management.Automation;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Infrastructure;

public sealed class HelpTests
{
    [Fact]
    public void GetHelpFull_EveryExportedCmdlet_ShowsSynopsisParameterDescriptionsAndAnExample()
    {
        using var ps = PowerShellSession.Open();
        var cmdlets = ps.Run("(Get-Module LeastPriv).ExportedCmdlets.Keys").ThrowIfFailed().Objects.Cast<string>().ToList();
        var problems = new List<string>();

        foreach (var name in cmdlets)
        {
            var help = Assert.Single(ps.Run("Get-Help -Name $n -Full", new() { ["n"] = name }).ThrowIfFailed().Output);
            var synopsis = Text(help.Properties["Synopsis"]?.Value);
            // Without a help file Get-Help makes the syntax line up as the synopsis.
            if (synopsis.Length == 0 || synopsis.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{name}: no synopsis from the help file");
            }

            var parameters = ps.Run("(Get-Help -Name $n -Full).parameters.parameter", new() { ["n"] = name }).ThrowIfFailed().Output;
            var declared = ps.Run(
                "(Get-Command -Name $n).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters -and $_ -notin 'UseTransaction' }",
                new() { ["n"] = name }).ThrowIfFailed().Objects.Cast<string>().ToList();
            foreach (var parameter in declared)
            {
                var entry = parameters.FirstOrDefault(p => string.Equals(Text(p.Properties["name"]?.Value), parameter, StringComparison.OrdinalIgnoreCase));
                if (entry is null || Text(entry.Properties["description"]?.Value).Length == 0)
                {
                    problems.Add($"{name}: -{parameter} has no description");
                }
            }

            var examples = ps.Run("@((Get-Help -Name $n -Full).examples.example) | ForEach-Object { $_.code }", new() { ["n"] = name })
                .ThrowIfFailed().Objects.Select(o => o?.ToString() ?? string.Empty).Where(c => c.Contains(name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (examples.Count == 0)
            {
                problems.Add($"{name}: no example that calls it");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void HelpBuilder_DocForUnknownCmdlet_FailsTheBuildNamingTheFile()
    {
        var docs = TempDocs(("Get-LPNoSuchThing.md", """
            # Get-LPNoSuchThing
            ## SYNOPSIS
            Nothing.
            ## EXAMPLES
            ### Example 1: Nothing
            ```powershell
            Get-LPNoSuchThing
            ```
            Does nothing.
            """));

        var result = RunHelpBuilder(docs);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Get-LPNoSuchThing.md : error LPHELP001: no cmdlet named Get-LPNoSuchThing exists in the module.", result.StdErr);
    }

    [Fact]
    public void HelpBuilder_MalformedDoc_ReportsEveryProblem()
    {
        var docs = TempDocs(("Get-LPBroken.md", """
            # Get-LPOther
            ## DESCRIPTION
            No synopsis, no examples.
            ## PARAMETERS
            ### Path
            ### -Empty
            ## SEE ALSO
            x
            """));

        var result = RunHelpBuilder(docs);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the title '# Get-LPOther' does not match the file name 'Get-LPBroken'", result.StdErr);
        Assert.Contains("'## SYNOPSIS' is missing or empty", result.StdErr);
        Assert.Contains("'## EXAMPLES' needs at least one", result.StdErr);
        Assert.Contains("parameter heading '### Path' must be '### -Name'", result.StdErr);
        Assert.Contains("parameter -Empty has no description", result.StdErr);
        Assert.Contains("unknown section '## SEE ALSO'", result.StdErr);
    }

    [Fact]
    public void HelpBuilder_HeadingInsideCodeBlock_IsExampleCodeNotASection()
    {
        var docs = TempDocs(("Get-LPNoSuchThing.md", """
            # Get-LPNoSuchThing
            ## SYNOPSIS
            Nothing.
            ## EXAMPLES
            ### Example 1: Commented
            ```powershell
            # Read the logs
            ## not a section either
            Get-LPNoSuchThing
            ```
            Does nothing.
            """));

        var result = RunHelpBuilder(docs);

        // The only complaint is the missing cmdlet: the '#' lines stayed inside the example.
        var errors = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(e => e.Contains("Get-LPNoSuchThing.md", StringComparison.Ordinal)).ToList();
        Assert.Single(errors);
        Assert.Contains("no cmdlet named Get-LPNoSuchThing", errors[0]);
    }

    private static ProcessRunner.Result RunHelpBuilder(string docs)
    {
        _ = StagedModule.ManifestPath;
        // On errors the builder writes nothing, so pointing it at the staged module is safe.
        return ProcessRunner.Run("dotnet", [
            RepoPaths.ToolAssembly("LeastPriv.HelpBuilder"),
            "--module-dir", RepoPaths.ModuleDirectory,
            "--manifest", Path.Combine(RepoPaths.Root, "LeastPriv.psd1"),
            "--docs", docs,
            "--version", RepoPaths.ModuleVersion,
        ]);
    }

    private static string TempDocs(params (string Name, string Text)[] files)
    {
        var dir = Directory.CreateTempSubdirectory("lp-help-").FullName;
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(dir, name), text);
        }

        return dir;
    }

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        PSObject o when o.BaseObject is object[] array => string.Join(" ", array.Select(Text)),
        PSObject o when o.Properties["Text"] is { } text => Text(text.Value),
        PSObject o => Text(o.BaseObject),
        object[] array => string.Join(" ", array.Select(Text)),
        string s => s.Trim(),
        _ => value.ToString()?.Trim() ?? string.Empty,
    };
}
