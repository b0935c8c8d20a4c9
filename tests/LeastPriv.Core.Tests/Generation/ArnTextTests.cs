using LeastPriv.Core.Generation;
using Xunit;

namespace LeastPriv.Core.Tests.Generation;

public sealed class ArnTextTests
{
    [Theory]
    [InlineData("arn:aws:lambda:eu-west-1:111122223333:function:MyStack-OrderHandler-1X2Y3Z4A5B6C", "arn:aws:lambda:eu-west-1:111122223333:function:MyStack-OrderHandler-*")]
    [InlineData("arn:aws:s3:::mystack-uploadsbucketf68f3ff0-1abc2def3ghi", "arn:aws:s3:::mystack-uploadsbucketf68f3ff0-*")]
    [InlineData("arn:aws:s3:::orders/incoming/2026/11/20/order-1001.json", "arn:aws:s3:::orders/incoming/*")]
    [InlineData("arn:aws:s3:::orders/report.csv", "arn:aws:s3:::orders/*")]
    [InlineData("arn:aws:cloudformation:eu-west-1:111122223333:stack/MyStack/5b6c7d80-a1b2-11ef-9c0d-0a1b2c3d4e5f", "arn:aws:cloudformation:eu-west-1:111122223333:stack/MyStack/*")]
    [InlineData("arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/export-20261120T101500Z", "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/export-*")]
    [InlineData("arn:aws:dynamodb:eu-west-1:111122223333:table/Orders", "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders")]
    [InlineData("arn:aws:iam::111122223333:role/app-discovery", "arn:aws:iam::111122223333:role/app-discovery")]
    [InlineData("arn:aws:sqs:eu-west-1:111122223333:jobs-1732096800", "arn:aws:sqs:eu-west-1:111122223333:jobs-*")]
    [InlineData("arn:aws:s3:::trail-logs-111122223333", "arn:aws:s3:::trail-logs-111122223333")]
    public void ToPattern_GeneratedNameParts_BecomeWildcards(string observed, string expected)
    {
        Assert.Equal(expected, ArnText.ToPattern(observed));
    }

    [Theory]
    [InlineData("arn:aws:dynamodb:eu-west-1:111122223333:table/Orders", PolicyGeneralization.Region, "arn:aws:dynamodb:*:111122223333:table/Orders")]
    [InlineData("arn:aws:dynamodb:eu-west-1:111122223333:table/Orders", PolicyGeneralization.Account, "arn:aws:dynamodb:eu-west-1:*:table/Orders")]
    [InlineData("arn:aws:iam::111122223333:role/x", PolicyGeneralization.Region | PolicyGeneralization.Account, "arn:aws:iam::*:role/x")]
    [InlineData("arn:aws:s3:::bucket/key", PolicyGeneralization.Region | PolicyGeneralization.Account, "arn:aws:s3:::bucket/key")]
    public void Generalize_RegionAndAccount_ReplacesOnlyNonEmptyFields(string arn, PolicyGeneralization generalize, string expected)
    {
        Assert.Equal(expected, ArnText.Generalize(arn, generalize));
    }

    [Theory]
    [InlineData("eu-west-1", "aws")]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    public void PartitionOf_Region_GivesTheArnPartition(string region, string partition)
    {
        Assert.Equal(partition, ArnText.PartitionOf(region));
    }
}
