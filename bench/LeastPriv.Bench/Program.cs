using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using LeastPriv.Bench;

// LeastPriv benchmark: the local generator against plain decompression of the same files.
//   generate --out <dir> --size-mb <n> [--seed <n>]      write a synthetic CloudTrail tree
//   run --data <dir> [--repeat <n>] [--user <name>] [--warm]
//                                                        ratio + peak memory (child processes); --warm first runs
//                                                        each side once on the first file, as a session that has
//                                                        used the module before, and measures the second run
//   decompress --data <dir>                              one measurement (child)
//   policy --data <dir> [--user <name>]                  one measurement (child)
//   parse --data <dir> [--user <name>]                   the reader alone (child; LEASTPRIV_BENCH_SIDE=parse makes run use it)
//   micro --data <dir> [--user <name>]                   single-threaded: decompress vs reader (tokenizer / scan) vs bare tokenizing
var options = ParseOptions(args.Skip(1));
switch (args.FirstOrDefault())
{
    case "generate":
        var sw = Stopwatch.StartNew();
        SyntheticTrail.Generate(Required(options, "out"), long.Parse(Required(options, "size-mb")) * 1024 * 1024, int.Parse(options.GetValueOrDefault("seed", "1")), Console.WriteLine);
        Console.WriteLine($"generated in {sw.Elapsed.TotalSeconds:F1}s");
        return 0;
    case "decompress":
        return Measure(() => Workloads.Decompress(Required(options, "data")), options.ContainsKey("warm") ? () => Workloads.OnFirstFile(Required(options, "data"), Workloads.Decompress) : null);
    case "parse":
        return Measure(() => Workloads.Parse(Required(options, "data"), options.GetValueOrDefault("user")));
    case "micro":
        return Micro.Run(Required(options, "data"), options.GetValueOrDefault("user", "app-user-07"));
    case "policy":
        return Measure(() => Workloads.GeneratePolicy(Required(options, "data"), options.GetValueOrDefault("user")), options.ContainsKey("warm") ? () => Workloads.OnFirstFile(Required(options, "data"), tree => Workloads.GeneratePolicy(tree, options.GetValueOrDefault("user"))) : null);
    case "run":
        return Runner.Run(Required(options, "data"), int.Parse(options.GetValueOrDefault("repeat", "3")), options.GetValueOrDefault("user"), options.ContainsKey("warm"));
    default:
        Console.Error.WriteLine("usage: LeastPriv.Bench generate|run|decompress|policy --data <dir> ...");
        return 2;
}

static int Measure(Func<string> work, Func<string>? warmUp = null)
{
    warmUp?.Invoke();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    var summary = work();
    sw.Stop();
    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    var result = new Measurement(sw.Elapsed.TotalSeconds, PeakRssBytes(), summary) { CpuSeconds = cpu.TotalSeconds, Collections = GC.CollectionCount(0), AllocatedBytes = GC.GetTotalAllocatedBytes() };
    Console.WriteLine(JsonSerializer.Serialize(result));
    return 0;
}

static long PeakRssBytes()
{
    // VmHWM is the peak resident set size of this process (Linux).
    foreach (var line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
        {
            var kb = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return long.Parse(kb) * 1024;
        }
    }

    return Environment.WorkingSet;
}

static Dictionary<string, string> ParseOptions(IEnumerable<string> items)
{
    var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    string? key = null;
    foreach (var item in items)
    {
        if (item.StartsWith("--", StringComparison.Ordinal))
        {
            key = item[2..];
            result[key] = "true";
        }
        else if (key is not null)
        {
            result[key] = item;
            key = null;
        }
    }

    return result;
}

static string Required(Dictionary<string, string> options, string name) =>
    options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");

internal sealed record Measurement(double Seconds, long PeakRssBytes, string Summary)
{
    /// <summary>Processor time of the measured work (all threads): steadier than wall time on a busy machine.</summary>
    public double CpuSeconds { get; init; }

    public int Collections { get; init; }

    public long AllocatedBytes { get; init; }
}

internal static class Workloads
{
    /// <summary>Runs <paramref name="work"/> on a copy of the tree's first file alone, to warm a process up.</summary>
    public static string OnFirstFile(string root, Func<string, string> work)
    {
        var folder = Directory.CreateTempSubdirectory("lp-bench-warm-").FullName;
        try
        {
            var first = Files(root)[0];
            File.Copy(first, Path.Combine(folder, Path.GetFileName(first)));
            return work(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static IReadOnlyList<string> Files(string root) =>
        Directory.EnumerateFiles(root, "*.json.gz", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList();

    /// <summary>The floor: read every file through GZipStream to the end, same parallelism as the generator.</summary>
    public static string Decompress(string root)
    {
        var files = Files(root);
        long total = 0;
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => (new byte[81920], 0L), (file, _, state) =>
        {
            using var stream = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
            int read;
            while ((read = stream.Read(state.Item1, 0, state.Item1.Length)) > 0)
            {
                state.Item2 += read;
            }

            return state;
        }, state => Interlocked.Add(ref total, state.Item2));
        return $"{files.Count} files, {total / (1024 * 1024)} MiB uncompressed";
    }

    public static string GeneratePolicy(string root, string? user) => PolicyWorkload.Run(root, user);

    /// <summary>The reader alone: every record parsed and filtered, nothing aggregated.</summary>
    public static string Parse(string root, string? user)
    {
        var files = LeastPriv.Core.CloudTrail.CloudTrailFileSet.Resolve(new[] { root });
        var filter = new LeastPriv.Core.CloudTrail.CloudTrailFilter { UserName = user is null ? null : new[] { user }, IncludeErrors = true };
        var result = LeastPriv.Core.CloudTrail.CloudTrailReader.ForEachRecordAsync(
            files.ToSources(), filter, null, () => new long[1], (_, count) => count[0]++, _ => { },
            LeastPriv.Core.Reporting.NullEngineReporter.Instance, CancellationToken.None).GetAwaiter().GetResult();
        return $"{result.FilesRead} files, {result.RecordsRead} records, {result.RecordsMatched} matched";
    }
}

internal static class Runner
{
    public static int Run(string data, int repeat, string? user, bool warm)
    {
        var decompress = new List<Measurement>();
        var policy = new List<Measurement>();
        for (var i = 0; i < repeat; i++)
        {
            // Alternate so that machine noise hits both sides alike.
            decompress.Add(Child("decompress", data, null, warm));
            policy.Add(Child(Environment.GetEnvironmentVariable("LEASTPRIV_BENCH_SIDE") ?? "policy", data, user, warm));
        }

        var d = Median(decompress.Select(m => m.Seconds));
        var p = Median(policy.Select(m => m.Seconds));
        Console.WriteLine($"data:                {data}{(warm ? " (each process warmed up on the first file)" : string.Empty)}");
        Console.WriteLine($"decompress only:     {d:F2}s (median of {repeat}; {decompress[0].Summary})");
        Console.WriteLine($"ConvertTo-LPPolicy:  {p:F2}s (median of {repeat}; {policy[0].Summary})");
        Console.WriteLine($"ratio:               {p / d:F2}");
        var dc = Median(decompress.Select(m => m.CpuSeconds));
        var pc = Median(policy.Select(m => m.CpuSeconds));
        Console.WriteLine($"processor time:      decompress {dc:F2}s, {(Environment.GetEnvironmentVariable("LEASTPRIV_BENCH_SIDE") ?? "policy")} {pc:F2}s, ratio {pc / dc:F2}");
        Console.WriteLine($"peak memory:         policy {policy.Max(m => m.PeakRssBytes) / (1024 * 1024)} MiB, decompress {decompress.Max(m => m.PeakRssBytes) / (1024 * 1024)} MiB");
        return 0;
    }

    private static Measurement Child(string command, string data, string? user, bool warm)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (self.EndsWith("dotnet", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(typeof(Runner).Assembly.Location);
        }

        start.ArgumentList.Add(command);
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(data);
        if (user is not null)
        {
            start.ArgumentList.Add("--user");
            start.ArgumentList.Add(user);
        }

        if (warm)
        {
            start.ArgumentList.Add("--warm");
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed ({process.ExitCode}): {output}");
        }

        return JsonSerializer.Deserialize<Measurement>(output.Trim().Split('\n').Last())!;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
