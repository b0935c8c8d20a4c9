using System.Globalization;
using System.Runtime.InteropServices;

namespace LeastPriv.Emulator;

/// <summary>The runnable stand-in: parses flags into <see cref="StandInOptions"/>, starts, waits for Ctrl+C.</summary>
public static class StandInCommandLine
{
    public const string Usage = """
        LeastPriv local AWS stand-in (moto + CloudTrail recording, delivery, LookupEvents, IAM Access Analyzer)

        Usage: LeastPriv.Emulator [options]
          --port N                     loopback port to listen on (default 4566; 0 = any free port)
          --moto-url URL               front an already-running moto instead of starting moto_server
          --moto-server PATH           moto_server to start (default: PATH, then $HOME/.pyenv/shims)
          --enforce-iam                moto verifies signatures and enforces IAM policies
          --write-profile NAME         write the operator credentials as profile NAME ...
          --credentials-file PATH      ... into this shared credentials file (default ~/.aws/credentials)
          --throttling-rate R          fraction 0..1 of client calls throttled
          --error-rate R               fraction 0..1 of client calls answered with a 5xx error
          --latency-ms N               latency added to every client call
          --fault-seed N               seed for the fault dice (default 1)
          --delivery-delay-s N         seconds before an event may be delivered (default 5)
          --delivery-interval-s N      seconds between deliveries (default 5)
          --key-propagation-s N        seconds a new access key is rejected after CreateAccessKey (default 0)
          --lookup-rate N              LookupEvents calls per second (default 2; 0 = unlimited)
          --analyzer-job-s N           seconds an Access Analyzer generation job runs (default 2)
          --exit-with-stdin            stop when standard input closes and ignore Ctrl+C (for a parent
                                       process that owns the stand-in's lifetime); moto ignores it too
          --require-aws-cli            fail at once when the AWS CLI is missing, else print its path
          --verbose                    print diagnostic lines
          --help                       this text
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        StandInOptions options;
        string? profile = null;
        string? credentialsFile = null;
        var exitWithStdin = args.Contains("--exit-with-stdin");
        var requireAwsCli = args.Contains("--require-aws-cli");
        string? awsCli = null;
        try
        {
            options = Parse([.. args.Where(a => a is not ("--exit-with-stdin" or "--require-aws-cli"))], out profile, out credentialsFile, out var help);
            if (help)
            {
                Console.WriteLine(Usage);
                return 0;
            }

            options.IgnoreInterrupt = exitWithStdin;
            if (requireAwsCli && (awsCli = ToolLocator.Find("aws")) is null)
            {
                Console.Error.WriteLine("error: the AWS CLI ('aws') was not found on PATH or in $HOME/.pyenv/shims. Install it (pip install awscli).");
                return 3;
            }
        }
        catch (StandInException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            if (!exitWithStdin)
            {
                stop.Cancel();
            }
        };

        // SIGTERM (service managers, `kill`) and SIGINT from a non-interactive parent stop as cleanly as Ctrl+C.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        // With --exit-with-stdin a terminal's Ctrl+C reaches the whole process group: the parent decides.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, exitWithStdin ? context => context.Cancel = true : Stop);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        StandIn standIn;
        try
        {
            standIn = await StandIn.StartAsync(options, stop.Token).ConfigureAwait(false);
        }
        catch (StandInException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }

        await using (standIn.ConfigureAwait(false))
        {
            Console.WriteLine($"endpoint {standIn.Endpoint}");
            Console.WriteLine($"moto {standIn.MotoEndpoint}");
            Console.WriteLine($"account {standIn.Account}");
            Console.WriteLine($"operator {standIn.Operator.Arn}");
            if (options.EnforceIam)
            {
                Console.WriteLine($"aws_access_key_id {standIn.Operator.AccessKeyId}");
                Console.WriteLine($"aws_secret_access_key {standIn.Operator.SecretAccessKey}");
            }

            if (profile is not null)
            {
                var path = credentialsFile ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "credentials");
                CredentialsProfileWriter.Write(path, profile, standIn.Operator.AccessKeyId, standIn.Operator.SecretAccessKey);
                Console.WriteLine($"profile {profile} written to {path}");
            }

            if (awsCli is not null)
            {
                Console.WriteLine($"aws_cli {awsCli}");
            }

            Console.WriteLine("ready");
            if (exitWithStdin)
            {
                _ = Task.Run(() =>
                {
                    // Blocks until the parent closes the pipe or exits.
                    while (Console.In.ReadLine() is not null)
                    {
                    }

                    stop.Cancel();
                });
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            Console.WriteLine("stopping");
        }

        return 0;
    }

    public static StandInOptions Parse(string[] args, out string? profile, out string? credentialsFile, out bool help)
    {
        var options = new StandInOptions();
        profile = null;
        credentialsFile = null;
        help = false;
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            string Value()
            {
                if (i + 1 >= args.Length)
                {
                    throw new StandInException($"{flag} needs a value.");
                }

                return args[++i];
            }

            double Number(double min, double max)
            {
                var text = Value();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
                {
                    throw new StandInException($"{flag} expects a number from {min} to {max}, not '{text}'.");
                }

                return n;
            }

            switch (flag)
            {
                case "--help" or "-h":
                    help = true;
                    break;
                case "--port":
                    options.Port = (int)Number(0, 65535);
                    break;
                case "--moto-url":
                    var url = Value();
                    options.MotoUrl = Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u : throw new StandInException($"--moto-url expects an http URL, not '{url}'.");
                    break;
                case "--moto-server":
                    options.MotoServerPath = Value();
                    break;
                case "--enforce-iam":
                    options.EnforceIam = true;
                    break;
                case "--write-profile":
                    profile = Value();
                    break;
                case "--credentials-file":
                    credentialsFile = Value();
                    break;
                case "--throttling-rate":
                    options.ThrottlingRate = Number(0, 1);
                    break;
                case "--error-rate":
                    options.ServerErrorRate = Number(0, 1);
                    break;
                case "--latency-ms":
                    options.Latency = TimeSpan.FromMilliseconds(Number(0, 600_000));
                    break;
                case "--fault-seed":
                    options.FaultSeed = (int)Number(int.MinValue, int.MaxValue);
                    break;
                case "--delivery-delay-s":
                    options.DeliveryDelay = TimeSpan.FromSeconds(Number(0, 86_400));
                    break;
                case "--delivery-interval-s":
                    options.DeliveryInterval = TimeSpan.FromSeconds(Number(0.05, 86_400));
                    break;
                case "--key-propagation-s":
                    options.KeyPropagationDelay = TimeSpan.FromSeconds(Number(0, 3_600));
                    break;
                case "--lookup-rate":
                    options.LookupEventsRate = Number(0, 1_000_000);
                    break;
                case "--analyzer-job-s":
                    options.AccessAnalyzerJobDuration = TimeSpan.FromSeconds(Number(0, 86_400));
                    break;
                case "--verbose":
                    options.Log = line => Console.Error.WriteLine(line);
                    break;
                default:
                    throw new StandInException($"Unknown option '{flag}'.");
            }
        }

        if (credentialsFile is not null && profile is null)
        {
            throw new StandInException("--credentials-file needs --write-profile NAME.");
        }

        return options;
    }
}
