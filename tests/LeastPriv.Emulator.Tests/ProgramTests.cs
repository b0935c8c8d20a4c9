using System.Diagnostics;
using LeastPriv.Emulator.Testing;
using Xunit;

namespace LeastPriv.Emulator.Tests;

/// <summary>The runnable stand-in as a user starts it: flags, the ready line, the profile it writes, a clean stop.</summary>
[Trait("Category", "Integration")]
public sealed class ProgramTests
{
    [Fact]
    public async Task Run_UnknownFlag_ExitsWithUsageError()
    {
        var code = await StandInCommandLine.RunAsync(["--no-such-flag"]);

        Assert.Equal(2, code);
    }

    [Theory]
    [InlineData("--throttling-rate", "1.5")]
    [InlineData("--port", "70000")]
    [InlineData("--latency-ms", "soon")]
    [InlineData("--moto-url", "ftp://x")]
    public void Parse_OutOfRangeValue_NamesTheFlag(string flag, string value)
    {
        var ex = Assert.Throws<StandInException>(() => StandInCommandLine.Parse([flag, value], out _, out _, out _));

        Assert.Contains(flag, ex.Message);
    }

    [Fact]
    public void Parse_AllKnobs_LandInOptions()
    {
        var options = StandInCommandLine.Parse(
            ["--port", "0", "--enforce-iam", "--throttling-rate", "0.25", "--error-rate", "0.1", "--latency-ms", "50", "--fault-seed", "9",
             "--delivery-delay-s", "30", "--delivery-interval-s", "10", "--key-propagation-s", "15", "--lookup-rate", "5", "--analyzer-job-s", "60",
             "--write-profile", "lp", "--credentials-file", "/tmp/creds"],
            out var profile, out var file, out var help);

        Assert.False(help);
        Assert.Equal(0, options.Port);
        Assert.True(options.EnforceIam);
        Assert.Equal(0.25, options.ThrottlingRate);
        Assert.Equal(0.1, options.ServerErrorRate);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.Latency);
        Assert.Equal(9, options.FaultSeed);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DeliveryDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.DeliveryInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), options.KeyPropagationDelay);
        Assert.Equal(5, options.LookupEventsRate);
        Assert.Equal(TimeSpan.FromSeconds(60), options.AccessAnalyzerJobDuration);
        Assert.Equal("lp", profile);
        Assert.Equal("/tmp/creds", file);
    }

    [Fact]
    public async Task StartAsync_MotoServerMissing_FailsWithAClearMessage()
    {
        var ex = await Assert.ThrowsAsync<StandInException>(() => StandIn.StartAsync(new StandInOptions { Port = 0, MotoServerPath = "/nonexistent/moto_server" }));

        Assert.Contains("moto_server was not found", ex.Message);
    }

    [Fact]
    public void CredentialsProfileWriter_ExistingFile_ReplacesOnlyThatProfile()
    {
        var path = Path.Combine(Path.GetTempPath(), "lp-creds-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            File.WriteAllText(path, "[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n[lp]\naws_access_key_id = OLD\naws_secret_access_key = OLD\n[other]\nregion = x\n");

            CredentialsProfileWriter.Write(path, "lp", "NEWKEY", "NEWSECRET");

            var text = File.ReadAllText(path);
            Assert.Contains("[default]\naws_access_key_id = A\n", text);
            Assert.Contains("[other]\nregion = x\n", text);
            Assert.Contains("[lp]\naws_access_key_id = NEWKEY\naws_secret_access_key = NEWSECRET\n", text);
            Assert.DoesNotContain("OLD", text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Program_EnforceIamWithProfile_PrintsReadyServesTheProfileAndStopsMotoOnSigterm()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "LeastPriv.Emulator.dll");
        using var cli = new AwsCli(new Uri("http://127.0.0.1:1/"), "unused", "unused");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--port", "0", "--enforce-iam", "--write-profile", "lp-operator", "--credentials-file", cli.CredentialsFile })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        var lines = new Dictionary<string, string>();
        var errors = new System.Text.StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("The stand-in exited before it was ready: " + errors));
                return;
            }

            if (e.Data == "ready")
            {
                ready.TrySetResult();
                return;
            }

            var space = e.Data.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                lock (lines)
                {
                    lines[e.Data[..space]] = e.Data[(space + 1)..];
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromMinutes(3));

            Assert.True(lines.ContainsKey("endpoint"), errors.ToString());
            Assert.StartsWith("AKIA", lines["aws_access_key_id"]);
            Assert.False(string.IsNullOrEmpty(lines["aws_secret_access_key"]));

            using var viaProfile = new AwsCli(new Uri(lines["endpoint"]), "unused", "unused");
            File.Copy(cli.CredentialsFile, viaProfile.CredentialsFile, overwrite: true);
            var identity = await viaProfile.RunAsync(["sts", "get-caller-identity"], profile: "lp-operator");
            Assert.True(identity.Succeeded, identity.ToString());
            Assert.Equal(lines["operator"], identity.Json.GetProperty("Arn").GetString());

            // The placeholder credentials of the file's [default] profile are not the operator's: moto rejects them.
            var wrong = await viaProfile.RunAsync("sts", "get-caller-identity");
            Assert.False(wrong.Succeeded);
        }
        finally
        {
            if (!process.HasExited)
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
            }
        }

        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await process.WaitForExitAsync(wait.Token);
        }

        Assert.Equal(0, process.ExitCode);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri(new Uri(lines["moto"]), "moto-api/")));
    }
}
