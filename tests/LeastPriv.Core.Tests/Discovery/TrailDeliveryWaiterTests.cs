using Amazon.S3;
using LeastPriv.Core.Aws;
using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Discovery;
using LeastPriv.Core.Reporting;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery;

/// <summary>The two ways Wait-LPCloudTrailDelivery gives up, with scripted CloudTrail and S3.</summary>
public sealed class TrailDeliveryWaiterTests
{
    [Fact]
    public async Task WaitAsync_TrailNotLogging_ThrowsTrailNotLoggingAndEndsItsProgress()
    {
        var calls = new List<string>();
        var reporter = new RecordingReporter();
        var waiter = Waiter(calls, reporter, logging: false);

        var ex = await Assert.ThrowsAsync<LeastPrivException>(() => waiter.WaitAsync(Manifest(DateTimeOffset.UtcNow.AddMinutes(-10)), TimeSpan.FromMinutes(15), CancellationToken.None));

        Assert.Equal("TrailNotLogging", ex.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidOperation, ex.Category);
        Assert.Equal("discovery-trail", ex.Target);
        Assert.DoesNotContain(calls, c => c.Contains(" S3 ", StringComparison.Ordinal));
        var completed = Assert.Single(reporter.ProgressReports);
        Assert.True(completed.Completed);
    }

    [Fact]
    public async Task WaitAsync_NoFileBeforeTheTimeout_ThrowsCloudTrailDeliveryTimeoutWithTheUndeliveredStatus()
    {
        var calls = new List<string>();
        var reporter = new RecordingReporter();
        var waiter = Waiter(calls, reporter, logging: true);

        // The window ends in an hour: no file can cover it within a one-second timeout.
        var ex = await Assert.ThrowsAsync<LeastPrivException>(() => waiter.WaitAsync(Manifest(DateTimeOffset.UtcNow.AddHours(1)), TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Equal("CloudTrailDeliveryTimeout", ex.ErrorId);
        Assert.Equal(LPErrorCategory.OperationTimeout, ex.Category);
        Assert.Contains("within 1 seconds", ex.Message, StringComparison.Ordinal);
        var status = Assert.IsType<LPDeliveryStatus>(ex.Target);
        Assert.False(status.Delivered);
        Assert.Equal("lp-20261124080000-0000abcd", status.SessionId);
        Assert.Equal("discovery-trail", status.TrailName);
        Assert.Equal("eu-west-1", status.HomeRegion);
        Assert.Single(reporter.ProgressReports.Select(p => p.ActivityId).Distinct());
        Assert.Contains(reporter.ProgressReports, p => !p.Completed && p.Status.StartsWith("No log file after", StringComparison.Ordinal));
        Assert.True(reporter.ProgressReports[^1].Completed);
    }

    private static SessionManifest Manifest(DateTimeOffset windowEnd) => new()
    {
        SessionId = "lp-20261124080000-0000abcd",
        AccountId = "111122223333",
        Trail = new ManifestTrail
        {
            TrailName = "discovery-trail",
            TrailArn = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/discovery-trail",
            HomeRegion = "eu-west-1",
            BucketName = "discovery-trail-bucket",
        },
        Windows = { new ManifestWindow { Label = "deploy", Start = windowEnd.AddMinutes(-5), End = windowEnd } },
    };

    private static TrailDeliveryWaiter Waiter(List<string> calls, RecordingReporter reporter, bool logging)
    {
        var cloudTrail = FakeApi.Create<ICloudTrailApi>(calls, "CloudTrail", (name, _) => name switch
        {
            "GetTrailStatus" => Task.FromResult(new CloudTrailTrailStatus { IsLogging = logging }),
            _ => null,
        });
        var s3 = FakeApi.Create<IAmazonS3>(calls, "S3", (_, _) => null);
        return new TrailDeliveryWaiter(cloudTrail, new TrailLogBucket(s3), reporter) { Poll = new PollSchedule { Initial = TimeSpan.FromSeconds(1) } };
    }
}
