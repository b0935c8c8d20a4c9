using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace LeastPriv.PowerShell.Tests.Discovery;

/// <summary>
/// Fault soak: many discovery runs (user, trail, capture, delivery, generation by IAM Access
/// Analyzer and locally, teardown) against the stand-in, several sessions at once in one account,
/// with throttling, 5xx, latency, key-propagation delay and delivery delay switched on at random,
/// and some runs stopped at a random step and then removed from their manifest. After every run
/// moto holds nothing of its session and the manifest says so; every run that was neither stopped
/// nor failed generated the same policy as a fault-free run.
/// <para>CI runs <see cref="DefaultRuns"/> runs; <c>LEASTPRIV_SOAK_RUNS</c> sets another count,
/// <c>LEASTPRIV_SOAK_PARALLEL</c> the sessions at once and <c>LEASTPRIV_SOAK_SEED</c> the dice.</para>
/// </summary>
[Trait("Category", "Soak")]
[Collection(DiscoveryStandInCollection.Name)]
public sealed class DiscoverySoakTests
{
    private const int DefaultRuns = 20;
    private const int DefaultParallel = 5;

    // Steps of one run, each invoked on its own (so a run can be stopped inside any of them).
    private static readonly string[] Steps =
    [
        "$user = New-LPDiscoveryUser -UserName $name -Region us-east-1 @aws",
        "$trail = $user | New-LPDiscoveryTrail @aws",
        "$null = $user | Invoke-LPDiscoveryCapture -Label soak -ClockSkewMargin 2 -ScriptBlock $workload @aws",
        "$null = $user | Wait-LPCloudTrailDelivery -Timeout 120 -PollInterval 1 @aws",
        "$job = $user | Start-LPPolicyGeneration -Trail $trail -Wait -Timeout 300 @aws",
        "$analyzer = $job | Wait-LPPolicyGeneration @aws | Get-LPGeneratedPolicy @aws; $local = $user | Get-LPGeneratedPolicy -Local @aws",
    ];

    private static readonly string[] StepNames = ["user", "trail", "capture", "delivery", "start-generation", "generation"];

    // The workload: two read calls as the discovery user (it creates nothing that could outlive a stop).
    private const string Workload = """
        $workload = {
            foreach ($call in @(@('s3api', 'list-buckets'), @('iam', 'get-user', '--user-name', $name))) {
                $null = & $awsCli --endpoint-url $endpoint --region us-east-1 @call
                if ($LASTEXITCODE -ne 0) { throw "aws $($call -join ' ') exited with $LASTEXITCODE" }
            }
        }
        """;

    private readonly DiscoveryStandInFixture _fx;
    private readonly ITestOutputHelper _output;

    // Captures set the process environment: one at a time in this process (the other steps overlap).
    private readonly SemaphoreSlim _captureGate = new(1, 1);

    private readonly ConcurrentDictionary<string, TimeSpan> _stepTimes = new();

    public DiscoverySoakTests(DiscoveryStandInFixture fixture, ITestOutputHelper output)
    {
        _fx = fixture;
        _output = output;
    }

    private sealed record Policy(string[] Analyzer, string[] Local);

    private sealed record RunResult(int Index, string Name, string? SessionId, Policy? Policy, string? StoppedAt, string? Error, int CleanupAttempts, List<string> Orphans, bool ManifestClean, List<string> CleanupErrors)
    {
        public override string ToString() => $"run {Index} ({Name}, session {SessionId}): stopped at {StoppedAt}, error {Error}, manifest clean {ManifestClean}, left [{string.Join(", ", Orphans)}], cleanup errors [{string.Join("; ", CleanupErrors)}]";
    }

    [Fact]
    public async Task Soak_RandomFaultsAndStops_LeaveNoOrphans_AndFinishedRunsMatchTheFaultFreePolicy()
    {
        var runs = EnvInt("LEASTPRIV_SOAK_RUNS", DefaultRuns);
        var parallel = Math.Max(1, EnvInt("LEASTPRIV_SOAK_PARALLEL", DefaultParallel));
        var seed = EnvInt("LEASTPRIV_SOAK_SEED", 20261124);
        var options = _fx.StandIn.Options;
        var saved = (options.ThrottlingRate, options.ServerErrorRate, options.Latency, options.KeyPropagationDelay, options.DeliveryDelay);
        var dice = new Random(seed);
        var clock = Stopwatch.StartNew();

        // The fault-free baseline of the same workload.
        var baseline = await RunAsync(-1, stopAt: null, stopAfter: TimeSpan.Zero);
        Assert.True(baseline.Error is null, "the fault-free run failed: " + baseline.Error);
        Assert.NotNull(baseline.Policy);
        Assert.Contains("s3:ListAllMyBuckets", baseline.Policy!.Local, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("iam:GetUser", baseline.Policy.Local, StringComparer.OrdinalIgnoreCase);
        Assert.True(baseline.Orphans.Count == 0 && baseline.ManifestClean, baseline.ToString());

        var throttledBefore = _fx.StandIn.Faults.Throttled;
        var serverErrorsBefore = _fx.StandIn.Faults.ServerErrors;
        var delayedBefore = _fx.StandIn.Faults.Delayed;
        var results = new ConcurrentBag<RunResult>();
        int keyDelayWaves = 0, deliveryDelayWaves = 0, latencyWaves = 0;
        try
        {
            // Waves of parallel sessions; each wave draws its own fault rates (the stand-in's knobs
            // are the account's, so the sessions of one wave share them).
            for (var first = 0; first < runs; first += parallel)
            {
                options.ThrottlingRate = dice.NextDouble() * 0.10;
                options.ServerErrorRate = dice.NextDouble() * 0.06;
                options.Latency = dice.Next(2) == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(dice.Next(20, 150));
                options.KeyPropagationDelay = TimeSpan.FromMilliseconds(dice.Next(500, 4000));
                options.DeliveryDelay = dice.Next(2) == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(dice.Next(500, 3000));
                keyDelayWaves++;
                deliveryDelayWaves += options.DeliveryDelay > TimeSpan.Zero ? 1 : 0;
                latencyWaves += options.Latency > TimeSpan.Zero ? 1 : 0;
                var wave = Enumerable.Range(first, Math.Min(parallel, runs - first)).Select(i =>
                {
                    // About one run in four is stopped at a random step, a random moment into it.
                    int? stopAt = dice.Next(4) == 0 ? dice.Next(Steps.Length) : null;
                    var stopAfter = TimeSpan.FromMilliseconds(dice.Next(0, 2500));
                    return Task.Run(async () => results.Add(await RunAsync(i, stopAt, stopAfter)));
                }).ToList();
                await Task.WhenAll(wave);
            }
        }
        finally
        {
            (options.ThrottlingRate, options.ServerErrorRate, options.Latency, options.KeyPropagationDelay, options.DeliveryDelay) = saved;
        }

        var all = results.OrderBy(r => r.Index).ToList();
        var stopped = all.Where(r => r.StoppedAt is not null).ToList();
        var failed = all.Where(r => r.StoppedAt is null && r.Error is not null).ToList();
        var finished = all.Where(r => r.StoppedAt is null && r.Error is null).ToList();
        var differing = finished.Where(r => r.Policy is null || !SameSet(r.Policy!.Analyzer, baseline.Policy.Analyzer) || !SameSet(r.Policy.Local, baseline.Policy.Local)).ToList();
        var orphans = all.Sum(r => r.Orphans.Count);
        var report = $"soak: runs={all.Count} parallel={parallel} seed={seed} | faults: throttled={_fx.StandIn.Faults.Throttled - throttledBefore} " +
            $"5xx={_fx.StandIn.Faults.ServerErrors - serverErrorsBefore} delayed-calls={_fx.StandIn.Faults.Delayed - delayedBefore} " +
            $"key-propagation-waves={keyDelayWaves} delivery-delay-waves={deliveryDelayWaves} latency-waves={latencyWaves} " +
            $"stopped={stopped.Count} ({string.Join(", ", stopped.GroupBy(r => r.StoppedAt).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}"))}) | " +
            $"finished={finished.Count} failed-with-error={failed.Count} orphans={orphans} differing-policies={differing.Count} " +
            $"cleanup-retries={all.Sum(r => r.CleanupAttempts - 1)} | {clock.Elapsed.TotalSeconds:0} s";
        _output.WriteLine(report);
        _output.WriteLine("time per step, all runs: " + string.Join(", ", StepNames.Where(_stepTimes.ContainsKey).Select(n => $"{n} {_stepTimes[n].TotalSeconds:0} s")));
        foreach (var r in failed)
        {
            _output.WriteLine($"run {r.Index} failed with: {r.Error}");
        }

        WriteReport(report);
        Assert.Equal(runs, all.Count);
        Assert.All(all, r => Assert.True(r.Orphans.Count == 0, r.ToString()));
        Assert.All(all, r => Assert.True(r.ManifestClean, r.ToString()));
        Assert.All(differing, r => Assert.Fail($"run {r.Index} generated [{string.Join(", ", r.Policy!.Local)}] / [{string.Join(", ", r.Policy.Analyzer)}]"));

        // A failed run ends with a typed error, and what policy it yielded is not a smaller one.
        Assert.All(failed, r => Assert.Matches("^[A-Za-z]+[,:]", r.Error!));
        Assert.All(failed.Where(r => r.Policy is not null), r => Assert.True(
            SameSet(r.Policy!.Analyzer, baseline.Policy.Analyzer) && SameSet(r.Policy.Local, baseline.Policy.Local), r.ToString()));

        // The soak proves something only when most runs went through the faults to the end.
        Assert.True(finished.Count * 2 >= runs, report);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("301")]
    [InlineData("NaN")]
    public void InvokeLPDiscoveryCapture_ClockSkewMarginOutOfRange_RefusedBeforeAnything(string margin)
    {
        using var ps = PowerShellSession.Open();
        var marker = Path.Combine(Path.GetTempPath(), "lp-margin-" + Guid.NewGuid().ToString("N"));

        var run = ps.Run(
            "[pscustomobject]@{ SessionId = 'lp-20261124000000-00000000'; UserName = 'nobody' } | Invoke-LPDiscoveryCapture -ClockSkewMargin ([double]$margin) -ScriptBlock { Set-Content -Path $marker -Value ran }",
            new() { ["margin"] = margin, ["marker"] = marker });

        Assert.Contains(run.ErrorIds, id => id.StartsWith("InvalidClockSkewMargin", StringComparison.Ordinal));
        Assert.False(File.Exists(marker), "the workload ran");
    }

    private async Task<RunResult> RunAsync(int index, int? stopAt, TimeSpan stopAfter)
    {
        var name = "lp-soak-" + Guid.NewGuid().ToString("N")[..8];
        var vars = _fx.AwsVariables();
        vars["name"] = name;
        vars["endpoint"] = _fx.EndpointText;
        using var cli = _fx.OperatorCli();
        vars["awsCli"] = cli.Path;
        using var ps = PowerShellSession.Open();
        foreach (var (key, value) in vars)
        {
            ps.SetVariable(key, value);
        }

        ps.Run("$ErrorActionPreference = 'Stop'\n" + Workload).ThrowIfFailed();
        string? error = null;
        string? stoppedAt = null;
        Policy? policy = null;
        for (var step = 0; step < Steps.Length && error is null && stoppedAt is null; step++)
        {
            var stepClock = Stopwatch.StartNew();
            var gated = step == 2;
            if (gated)
            {
                await _captureGate.WaitAsync();
            }

            try
            {
                using var shell = System.Management.Automation.PowerShell.Create();
                shell.Runspace = ps.Runspace;
                shell.AddScript(Steps[step]);
                var invocation = shell.BeginInvoke();
                if (stopAt == step)
                {
                    await Task.WhenAny(Task.Factory.FromAsync(invocation, _ => { }), Task.Delay(stopAfter));
                    shell.Stop();
                    stoppedAt = StepNames[step];
                }

                try
                {
                    await Task.Factory.FromAsync(invocation, shell.EndInvoke);
                    if (shell.HadErrors && stoppedAt is null)
                    {
                        error = string.Join("; ", shell.Streams.Error.Select(e => e.FullyQualifiedErrorId + ": " + e));
                    }
                }
                catch (PipelineStoppedException) when (stoppedAt is not null)
                {
                }
                catch (RuntimeException ex) when (stoppedAt is null)
                {
                    error = (ex.ErrorRecord?.FullyQualifiedErrorId ?? ex.GetType().Name) + ": " + ex.Message;
                }
                catch (RuntimeException) when (stoppedAt is not null)
                {
                }
            }
            finally
            {
                if (gated)
                {
                    _captureGate.Release();
                }

                _stepTimes.AddOrUpdate(StepNames[step], stepClock.Elapsed, (_, t) => t + stepClock.Elapsed);
            }
        }

        if (stoppedAt is null && (ps.GetVariable("analyzer") is not null || ps.GetVariable("local") is not null))
        {
            // Whatever a run produced, also a run that failed at its last step.
            policy = new Policy(Actions(ps.GetVariable("analyzer")), Actions(ps.GetVariable("local")));
        }

        // Teardown from the manifest alone: the session is found by its user's name, as after a kill.
        var sessionId = SessionOf(name);
        var attempts = 0;
        var manifestClean = true;
        var cleanupErrors = new List<string>();
        if (sessionId is not null)
        {
            manifestClean = false;
            while (attempts < 5 && !manifestClean)
            {
                attempts++;
                var removal = ps.Run("Remove-LPDiscoveryResources -SessionId $sid -Force @aws; Get-LPDiscoverySession -SessionId $sid", new() { ["sid"] = sessionId });
                cleanupErrors.AddRange(removal.Errors.Concat(removal.TerminatingError is null ? [] : [removal.TerminatingError]).Select(e => e.FullyQualifiedErrorId + ": " + e));
                var session = removal.Output.LastOrDefault(o => o.Properties["RemainingCount"] is not null);
                manifestClean = session is not null
                    && (int)session.Properties["RemainingCount"].Value == 0
                    && session.Properties["State"].Value?.ToString() == "Removed";
            }
        }

        var orphans = await OrphansAsync(cli, name, sessionId);
        return new RunResult(index, name, sessionId, policy, stoppedAt, error, Math.Max(attempts, 1), orphans, manifestClean, cleanupErrors);
    }

    /// <summary>The id of the session whose manifest names the user, or null when none was written.</summary>
    private string? SessionOf(string userName)
    {
        var quoted = System.Text.Json.JsonSerializer.Serialize(userName);
        foreach (var file in Directory.EnumerateFiles(_fx.SessionsDirectory, "*.json"))
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (IOException)
            {
                continue;
            }

            if (text.Contains(quoted, StringComparison.Ordinal))
            {
                return Path.GetFileNameWithoutExtension(file);
            }
        }

        return null;
    }

    /// <summary>What moto still holds of the session: IAM users, roles and policies, trails and buckets named after it.</summary>
    private static async Task<List<string>> OrphansAsync(LeastPriv.Emulator.Testing.AwsCli cli, string name, string? sessionId)
    {
        async Task<IEnumerable<string>> List(string kind, string query, params string[] args)
        {
            var result = await cli.RunAsync([.. args, "--query", query, "--output", "json"]);
            Assert.True(result.Succeeded, result.ToString());
            return result.Json.ValueKind == System.Text.Json.JsonValueKind.Array
                ? result.Json.EnumerateArray().Select(e => kind + " " + e.GetString())
                : [];
        }

        var held = (await List("user", "Users[].UserName", "iam", "list-users"))
            .Concat(await List("role", "Roles[].RoleName", "iam", "list-roles"))
            .Concat(await List("policy", "Policies[].Arn", "iam", "list-policies", "--scope", "Local"))
            .Concat(await List("trail", "trailList[].Name", "cloudtrail", "describe-trails"))
            .Concat(await List("bucket", "Buckets[].Name", "s3api", "list-buckets"));
        return [.. held.Where(h => h.EndsWith(" " + name, StringComparison.Ordinal)
            || (sessionId is not null && h.Contains(sessionId, StringComparison.OrdinalIgnoreCase)))];
    }

    private static string[] Actions(object? policy) => policy is null
        ? []
        : [.. ((System.Collections.IEnumerable)PSObject.AsPSObject(policy).Properties["Actions"].Value).Cast<object>().Select(o => o.ToString() ?? string.Empty).Order(StringComparer.OrdinalIgnoreCase)];

    // The capture's own probe: it waits until the new key authenticates with sts:GetCallerIdentity
    // (which needs no permission), and under a key-propagation delay a probe can fall inside the
    // widened window and be generated with the workload's actions.
    private const string CaptureProbe = "sts:GetCallerIdentity";

    private static bool SameSet(string[] a, string[] b) =>
        a.Where(x => !x.Equals(CaptureProbe, StringComparison.OrdinalIgnoreCase)).ToHashSet(StringComparer.OrdinalIgnoreCase)
            .SetEquals(b.Where(x => !x.Equals(CaptureProbe, StringComparison.OrdinalIgnoreCase)));

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;

    /// <summary>With LEASTPRIV_SOAK_REPORT set, the figures are appended to that file as well.</summary>
    private static void WriteReport(string report)
    {
        if (Environment.GetEnvironmentVariable("LEASTPRIV_SOAK_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllText(path, $"{DateTimeOffset.UtcNow:u} {report}{Environment.NewLine}");
        }
    }
}
