using System.Diagnostics;
using System.IO.Compression;
using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Bench;

/// <summary>
/// Single-threaded, in-process comparison on a few files, interleaved rounds: decompression
/// alone, the reader with a principal filter over the full tokenizer and over the structural
/// scan (portable and vectorized loops), and bare tokenizing.
/// </summary>
internal static class Micro
{
    public static int Run(string root, string user)
    {
        var files = Workloads.Files(root).Take(8).ToList();
        var buffer = new byte[81920];
        var filter = new CloudTrailFilter { UserName = new[] { user }, IncludeErrors = true };
        double dec = 0, full = 0, scan = 0, portable = 0, tok = 0;
        for (var round = 0; round < 5; round++)
        {
            var sw = Stopwatch.StartNew();
            foreach (var f in files)
            {
                using var g = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
                while (g.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }

            dec += sw.Elapsed.TotalSeconds;
            full += Read(files, filter, scanRecordArrays: false, ScanKernels.Current);
            scan += Read(files, filter, scanRecordArrays: true, ScanKernels.Current);
            portable += Read(files, filter, scanRecordArrays: true, ScanKernels.Portable);
            tok += Tokenize(files);
        }

        foreach (var kernels in new[] { ScanKernels.Portable, ScanKernels.Current }.Distinct())
        {
            var (bounds, prefilter, measure) = ScanOnly(files, filter, kernels);
            Console.WriteLine($"in memory, 5 rounds, {kernels}: record bounds {bounds:F3}s + prefilter {prefilter:F3}s; both as the reader runs them {measure:F3}s");
        }

        Console.WriteLine($"decompress {dec:F2}s; reader -UserName {user}: tokenizer {full:F2}s (ratio {full / dec:F2}), structural scan {ScanKernels.Current} {scan:F2}s (ratio {scan / dec:F2}), portable {portable:F2}s (ratio {portable / dec:F2}); tokenize+GetString all {tok:F2}s (ratio {tok / dec:F2})");
        return 0;
    }

    private static double Read(List<string> files, CloudTrailFilter filter, bool scanRecordArrays, ScanKernels kernels)
    {
        var sw = Stopwatch.StartNew();
        var sources = files.Select(CloudTrailSource.FromFile).ToList();
        var options = new CloudTrailReaderOptions { MaxDegreeOfParallelism = 1, ScanRecordArrays = scanRecordArrays, CaptureRequestParameters = true, Kernels = kernels };
        CloudTrailReader.ForEachRecordAsync(sources, filter, options, () => new long[1], (_, c) => c[0]++, _ => { }, NullEngineReporter.Instance, CancellationToken.None).GetAwaiter().GetResult();
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>The structural scan and the prefilter alone, over files already decompressed.</summary>
    private static (double Bounds, double Prefilter, double Measure) ScanOnly(List<string> files, CloudTrailFilter filter, ScanKernels kernels)
    {
        var data = files.Select(f =>
        {
            using var g = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            g.CopyTo(ms);
            return ms.ToArray();
        }).ToList();
        var prefilter = RecordPrefilter.For(filter.GetCompiled(), kernels)!;
        double bounds = 0, pre = 0, measure = 0;
        long kept = 0;
        for (var round = 0; round < 5; round++)
        {
            foreach (var bytes in data)
            {
                var sw = Stopwatch.StartNew();
                var records = new List<(int Start, int Length, bool HasBackslash)>();
                var i = Array.IndexOf(bytes, (byte)'[') + 1;
                while (true)
                {
                    var start = Array.IndexOf(bytes, (byte)'{', i);
                    if (start < 0)
                    {
                        break;
                    }

                    var length = kernels.ObjectLength(bytes.AsSpan(start), out var hasBackslash);
                    if (length < 0)
                    {
                        break;
                    }

                    records.Add((start, length, hasBackslash));
                    i = start + length;
                }

                bounds += sw.Elapsed.TotalSeconds;
                sw.Restart();
                foreach (var (start, length, hasBackslash) in records)
                {
                    kept += prefilter.MayMatch(bytes.AsSpan(start, length), hasBackslash) ? 1 : 0;
                }

                pre += sw.Elapsed.TotalSeconds;
                sw.Restart();
                foreach (var (start, _, _) in records)
                {
                    kept += prefilter.Measure(bytes.AsSpan(start), out var mayMatch) > 0 && mayMatch ? 1 : 0;
                }

                measure += sw.Elapsed.TotalSeconds;
            }
        }

        return (bounds, pre, measure);
    }

    private static double Tokenize(List<string> files)
    {
        var sw = Stopwatch.StartNew();
        foreach (var f in files)
        {
            using var g = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            g.CopyTo(ms);
            var reader = new System.Text.Json.Utf8JsonReader(ms.GetBuffer().AsSpan(0, (int)ms.Length));
            long n = 0;
            while (reader.Read())
            {
                if (reader.TokenType == System.Text.Json.JsonTokenType.String)
                {
                    n += reader.GetString()!.Length;
                }
            }
        }

        return sw.Elapsed.TotalSeconds;
    }
}
