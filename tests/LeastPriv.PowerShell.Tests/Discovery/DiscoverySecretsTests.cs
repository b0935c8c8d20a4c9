using System.Management.Automation;
using System.Text;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace LeastPriv.PowerShell.Tests.Discovery;

/// <summary>
/// The whole discovery lifecycle with every stream on (-Verbose, -Debug, progress, information),
/// two deliberate failures, a transcript where the engine has one, and then a scan of everything
/// a user could read afterwards — the session manifests, the exported files, every captured
/// record and the output as the format views render it — for the secrets that passed through:
/// the discovery user's secret access key, the verification user's key, the role session's
/// secret and token, and the operator's own secret key. Also: the user object forgets its secret
/// once its session is removed.
/// </summary>
[Trait("Category", "Pipeline")]
[Collection(DiscoveryStandInCollection.Name)]
public sealed class DiscoverySecretsTests
{
    private const string Lifecycle = """
        $ErrorActionPreference = 'Stop'
        $VerbosePreference = 'Continue'
        $DebugPreference = 'Continue'
        $InformationPreference = 'Continue'
        $transcribed = $false
        if (Get-Command Start-Transcript -ErrorAction SilentlyContinue) {
            try { $null = Start-Transcript -Path $transcript; $transcribed = $true } catch { $transcribed = $false }
        }

        $global:lpSecrets = [System.Collections.Generic.List[string]]::new()
        $global:lpKeyIds = [System.Collections.Generic.List[string]]::new()
        $catchSecrets = {
            $global:lpKeyIds.Add($env:AWS_ACCESS_KEY_ID)
            $global:lpSecrets.Add($env:AWS_SECRET_ACCESS_KEY)
            if ($env:AWS_SESSION_TOKEN) { $global:lpSecrets.Add($env:AWS_SESSION_TOKEN) }
        }
        $deploy = {
            & $catchSecrets
            foreach ($call in @(
                    @('s3api', 'create-bucket', '--bucket', $bucket),
                    @('s3api', 'list-objects-v2', '--bucket', $bucket),
                    @('s3api', 'delete-bucket', '--bucket', $bucket))) {
                $null = & $awsCli --endpoint-url $endpoint --region us-east-1 @call
                if ($LASTEXITCODE -ne 0) { throw "aws $($call -join ' ') exited with $LASTEXITCODE" }
            }
        }

        $rendered = [System.Collections.Generic.List[string]]::new()
        # The hosted engine has no Out-String or Format-*: every property is rendered instead, three
        # levels deep (more than any format view shows; the views' script-block columns only mask).
        function Render($o, $depth = 0) {
            if ($null -eq $o -or $depth -gt 3) { return }
            $rendered.Add([string]$o)
            if ($o -is [string] -or $o.GetType().IsPrimitive) { return }
            if ($o -is [System.Collections.IEnumerable] -and $o -isnot [System.Collections.IDictionary]) {
                foreach ($item in $o) { Render $item ($depth + 1) }
                return
            }
            foreach ($p in $o.PSObject.Properties) {
                $value = try { $p.Value } catch { $null }
                $rendered.Add("$($p.Name) = $value")
                if ($null -ne $value -and $value -isnot [string] -and -not $value.GetType().IsPrimitive -and $value -isnot [datetime] -and $value -isnot [datetimeoffset]) { Render $value ($depth + 1) }
            }
        }

        $user = $null; $role = $null
        try {
            $user = New-LPDiscoveryUser -UserName $name -Region us-east-1 @aws -Verbose -Debug
            $global:lpSecrets.Add([System.Net.NetworkCredential]::new('', $user.SecretAccessKey).Password)
            $global:lpKeyIds.Add($user.AccessKeyId)
            Render $user
            $role = New-LPDiscoveryRole -RoleName $roleName -Region us-east-1 @aws -Verbose -Debug
            Render $role
            Render ($role | Invoke-LPDiscoveryCapture -Label role -ScriptBlock $catchSecrets @aws -Verbose -Debug)

            # Deliberate failures while the user and its key exist: a bad trail name (refused
            # before any call) and a well-formed job id Access Analyzer does not know.
            try { $user | New-LPDiscoveryTrail -TrailName 'not a trail name' @aws } catch { }
            try { Get-LPGeneratedPolicy -JobId '00000000-0000-4000-8000-000000000000' @aws } catch { }
            $user | Invoke-LPDiscoveryCapture -Label failing -ErrorAction Continue -ScriptBlock { throw 'the workload failed on purpose' } @aws | ForEach-Object { Render $_ }

            $trail = $user | New-LPDiscoveryTrail @aws -Verbose -Debug
            Render $trail
            Render ($user | Invoke-LPDiscoveryCapture -Label deploy -ScriptBlock $deploy @aws -Verbose -Debug)
            $delivery = $user | Wait-LPCloudTrailDelivery -Timeout 120 @aws -Verbose -Debug
            Render $delivery
            $job = $user | Start-LPPolicyGeneration -Trail $trail @aws -Verbose -Debug
            Render $job
            $policy = $job | Wait-LPPolicyGeneration @aws -Verbose -Debug | Get-LPGeneratedPolicy @aws -Verbose -Debug
            Render $policy
            Render ($policy | Export-LPPolicy -Path ([System.IO.Path]::Combine($exportDir, 'analyzer.json')))
            $local = $user | Get-LPGeneratedPolicy -Local @aws -Verbose -Debug
            Render $local
            Render ($local | Export-LPPolicy -Path ([System.IO.Path]::Combine($exportDir, 'local.yaml')) -Format CloudFormation -PolicyName lp-local)
            Render ($local | Test-LPPolicy -ScriptBlock $deploy @aws -Verbose -Debug)
            Render (Get-LPDiscoverySession -SessionId $user.SessionId -Refresh @aws)
        }
        finally {
            if ($role) { Render @($role | Remove-LPDiscoveryResources -Force @aws -Verbose -Debug) }
            if ($user) { Render @($user | Remove-LPDiscoveryResources -Force @aws -Verbose -Debug) }
            if ($transcribed) { $null = Stop-Transcript }
        }

        # Error records as a user reads them (not their InvocationInfo, whose BoundParameters is
        # PowerShell's copy of every argument, the -SecretKey given on purpose included).
        foreach ($e in @($global:Error)) {
            $rendered.Add([string]$e); $rendered.Add([string]$e.CategoryInfo); $rendered.Add($e.FullyQualifiedErrorId); $rendered.Add($e.ScriptStackTrace)
            $rendered.Add($e.Exception.ToString())
            Render $e.TargetObject
            if ($e.ErrorDetails) { $rendered.Add($e.ErrorDetails.ToString()) }
        }

        [pscustomobject]@{
            Rendered = $rendered.ToArray()
            Transcribed = $transcribed
            UserSecretAfterRemove = $user.SecretAccessKey
            UserAccessKeyId = $user.AccessKeyId
        }
        """;

    private readonly DiscoveryStandInFixture _fx;
    private readonly ITestOutputHelper _out;

    public DiscoverySecretsTests(DiscoveryStandInFixture fixture, ITestOutputHelper output)
    {
        _fx = fixture;
        _out = output;
    }

    [Fact]
    public void Lifecycle_VerboseDebugAndFailures_NoSecretInManifestsStreamsTranscriptOrExports_AndRemovalClearsTheUserSecret()
    {
        using var cli = _fx.OperatorCli();
        var exportDir = Directory.CreateTempSubdirectory("lp-secrets-export-").FullName;
        var transcript = Path.Combine(Directory.CreateTempSubdirectory("lp-secrets-transcript-").FullName, "transcript.txt");
        var vars = _fx.AwsVariables();
        vars["name"] = "lp-secrets-" + Guid.NewGuid().ToString("N")[..6];
        vars["roleName"] = "lp-secrets-role-" + Guid.NewGuid().ToString("N")[..6];
        vars["bucket"] = "lp-secrets-workload-" + Guid.NewGuid().ToString("N")[..8];
        vars["exportDir"] = exportDir;
        vars["transcript"] = transcript;
        vars["endpoint"] = _fx.EndpointText;
        vars["awsCli"] = cli.Path;
        using var ps = PowerShellSession.Open();

        var run = ps.Run(Lifecycle, vars);

        Assert.True(run.TerminatingError is null, run.TerminatingError?.ToString() + "\n" + run.TerminatingError?.ScriptStackTrace);
        var result = run.Output.Single();

        // The secrets that passed through: the discovery user's key (from its SecureString and the
        // capture environment), the role session's key and token, the verification user's key
        // (from the verification run's environment) and the operator's key.
        var secrets = ((System.Collections.IEnumerable)ps.GetVariable("lpSecrets")!).Cast<object>().Select(o => o.ToString()!)
            .Append(_fx.StandIn.Operator.SecretAccessKey)
            .Distinct(StringComparer.Ordinal).ToList();
        var keyIds = ((System.Collections.IEnumerable)ps.GetVariable("lpKeyIds")!).Cast<object>().Select(o => o.ToString()!).Distinct(StringComparer.Ordinal).ToList();
        Assert.All(secrets, s => Assert.True(s.Length >= 16, "a captured secret is too short to scan for"));

        // Discovery user (object and capture), role session (key and token), verification user, operator.
        Assert.True(secrets.Count >= 5, $"{secrets.Count} distinct secrets captured");
        var userKeyId = (string)result.Properties["UserAccessKeyId"].Value;
        Assert.Contains(keyIds, id => id.StartsWith("ASIA", StringComparison.Ordinal));
        Assert.Contains(keyIds, id => id.StartsWith("AKIA", StringComparison.Ordinal) && id != userKeyId);

        // The deliberate failures produced error records.
        Assert.Contains(run.Errors.Concat(AllErrors(ps)), e => e.FullyQualifiedErrorId.StartsWith("DiscoveryTrailNameInvalid,", StringComparison.Ordinal));
        Assert.Contains(AllErrors(ps), e => e.FullyQualifiedErrorId.StartsWith("ResourceNotFound,", StringComparison.Ordinal) || e.FullyQualifiedErrorId.Contains("NotFound", StringComparison.Ordinal));

        var texts = new List<(string Where, string Text)>();
        texts.AddRange(((object[])result.Properties["Rendered"].Value).Select(o => ("rendered output/error", o.ToString() ?? string.Empty)));
        texts.AddRange(run.Output.Select(o => ("output", o.ToString())));
        texts.AddRange(run.Errors.SelectMany(e => new[] { ("error", e.ToString()), ("error exception", e.Exception.ToString()), ("error target", Convert.ToString(e.TargetObject) ?? string.Empty), ("error details", e.ErrorDetails?.ToString() ?? string.Empty) }));
        texts.AddRange(run.Warnings.Select(w => ("warning", w.Message)));
        texts.AddRange(run.Verbose.Select(v => ("verbose", v.Message)));
        texts.AddRange(run.Debug.Select(d => ("debug", d.Message)));
        texts.AddRange(run.Information.Select(i => ("information", Convert.ToString(i.MessageData) ?? string.Empty)));
        texts.AddRange(run.Progress.Select(p => ("progress", $"{p.Activity} {p.StatusDescription} {p.CurrentOperation}")));
        var transcribed = (bool)result.Properties["Transcribed"].Value;
        var files = Directory.EnumerateFiles(_fx.Home, "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(exportDir, "*", SearchOption.AllDirectories))
            .Concat(transcribed && File.Exists(transcript) ? [transcript] : [])
            .ToList();
        texts.AddRange(files.Select(f => ("file " + f, File.ReadAllText(f, Encoding.UTF8))));

        Assert.NotEmpty(run.Verbose);
        Assert.NotEmpty(run.Debug);
        Assert.NotEmpty(run.Progress);
        Assert.Contains(files, f => f.StartsWith(_fx.SessionsDirectory, StringComparison.Ordinal));
        Assert.Equal(2, Directory.EnumerateFiles(exportDir).Count());

        var hits = (from t in texts
                    from s in secrets
                    where t.Text.Contains(s, StringComparison.Ordinal)
                    select $"{t.Where}: secret ending ...{s[^4..]}").ToList();
        _out.WriteLine(
            $"Scanned {texts.Count} items, {texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t.Text))} bytes " +
            $"({files.Count} files, {run.Verbose.Count} verbose, {run.Debug.Count} debug, {run.Progress.Count} progress, " +
            $"{run.Errors.Count + AllErrors(ps).Count} error records, transcript: {transcribed}) for {secrets.Count} secrets: {hits.Count} hits.");
        Assert.Empty(hits);

        // Removing the session made the piped user object forget its secret.
        Assert.Null(result.Properties["UserSecretAfterRemove"].Value);
    }

    private static List<ErrorRecord> AllErrors(PowerShellSession ps) =>
        [.. ((System.Collections.IEnumerable)ps.GetVariable("Error")!).Cast<object>().Select(o => o is PSObject p ? p.BaseObject : o).OfType<ErrorRecord>()];
}
