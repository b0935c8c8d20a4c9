using System.Diagnostics;
using System.IO.Compression;
using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Bench;

/// <summary>Single-threaded, in-process comparison on a few files: decompress vs parse, interleaved.</summary>
internal static class Micro
{
    public static int Run(string root)
    {
        var files = Workloads.Files(root).Take(8).ToList();
        var buffer = new byte[81920];
        double dec = 0, parse = 0;
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
            sw.Restart();
            var sources = files.Select(CloudTrailSource.FromFile).ToList();
            CloudTrailReader.ForEachRecordAsync(sources, CloudTrailFilter.All, new CloudTrailReaderOptions { MaxDegreeOfParallelism = 1 }, () => new long[1], (_, c) => c[0]++, _ => { }, NullEngineReporter.Instance, CancellationToken.None).GetAwaiter().GetResult();
            parse += sw.Elapsed.TotalSeconds;
        }

        double tok = 0;
        for (var round = 0; round < 5; round++)
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

            tok += sw.Elapsed.TotalSeconds;
        }

        Console.WriteLine($"decompress {dec:F2}s parse(incl. decompress) {parse:F2}s ratio {parse / dec:F2}; tokenize+GetString all {tok:F2}s ratio {tok / dec:F2}");
        return 0;
    }
}
