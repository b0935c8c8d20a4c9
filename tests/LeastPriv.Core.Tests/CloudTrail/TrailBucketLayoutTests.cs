using LeastPriv.Core.CloudTrail;
using Xunit;

namespace LeastPriv.Core.Tests.CloudTrail;

public sealed class TrailBucketLayoutTests
{
    private static DateTimeOffset Utc(int y, int m, int d, int h = 0, int min = 0) => new(y, m, d, h, min, 0, TimeSpan.Zero);

    [Fact]
    public void DayPrefixes_RangeWithinOneDay_ListsThatDayAndTheSlackDay()
    {
        var prefixes = TrailBucketLayout.DayPrefixes(null, "111122223333", ["us-east-1"], Utc(2026, 11, 24, 5), Utc(2026, 11, 24, 6));

        Assert.Equal(
            [
                "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/24/",
                "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/25/",
            ],
            prefixes);
    }

    [Fact]
    public void DayPrefixes_RangeOverAMonthEndWithPrefixAndRegions_ListsEveryDayPerRegion()
    {
        var prefixes = TrailBucketLayout.DayPrefixes("/lp/", "111122223333", ["eu-west-1", "us-east-1", "eu-west-1"], Utc(2026, 11, 29, 23), Utc(2026, 11, 30, 22));

        Assert.Equal(
            [
                "lp/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/29/",
                "lp/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/30/",
                "lp/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/12/01/",
                "lp/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/29/",
                "lp/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/30/",
                "lp/AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/01/",
            ],
            prefixes);
    }

    [Fact]
    public void DayPrefixes_NonUtcOffsets_UseUtcDays()
    {
        // 01:30 at +02:00 is 23:30 UTC the day before.
        var start = new DateTimeOffset(2026, 11, 24, 1, 30, 0, TimeSpan.FromHours(2));
        var prefixes = TrailBucketLayout.DayPrefixes(null, "111122223333", ["us-east-1"], start, start.AddMinutes(10), TimeSpan.Zero);

        Assert.Equal(["AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/23/"], prefixes);
    }

    [Fact]
    public void DayPrefixes_Reversed_IsTimeRangeInvalid()
    {
        var ex = Assert.Throws<LeastPrivException>(() => TrailBucketLayout.DayPrefixes(null, "111122223333", ["us-east-1"], Utc(2026, 11, 24, 6), Utc(2026, 11, 24, 5)));

        Assert.Equal(CloudTrailErrors.TimeRangeInvalid, ex.ErrorId);
    }

    [Theory]
    [InlineData("AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz", true)]
    [InlineData("lp/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/20/111122223333_CloudTrail_eu-west-1_20261120T1010Z_OEQH3AV90RIC7PHK.json", true)]
    [InlineData("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T101500Z.json.gz", false)]
    [InlineData("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/notes.txt", false)]
    [InlineData("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/", false)]
    public void IsLogFile_KeysInATrailBucket_OnlyLogFilesCount(string key, bool expected)
    {
        Assert.Equal(expected, TrailBucketLayout.IsLogFile(key));
    }

    [Fact]
    public void DeliveryTimeOf_LogFileKey_IsTheMinuteInTheName()
    {
        var key = "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz";

        Assert.Equal(Utc(2015, 8, 1, 2, 10), TrailBucketLayout.DeliveryTimeOf(key));
        Assert.Equal("us-east-2", TrailBucketLayout.RegionOf(key));
        Assert.Null(TrailBucketLayout.DeliveryTimeOf("AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/readme.json.gz"));
    }
}
