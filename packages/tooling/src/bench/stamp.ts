// Bench fixture: logs when it ran (absolute sub-ms clock) and the marker it was
// given, as an SQS message body, a stream image, or nothing (HTTP).
interface Event {
  Records?: Array<{
    body?: string;
    dynamodb?: { NewImage?: { pk?: { S?: string }; sentAt?: { N?: string } } };
  }>;
}

export async function handler(event: Event) {
  const at = performance.timeOrigin + performance.now();
  for (const record of event.Records ?? []) {
    if (record.body) {
      const { marker, sentAt } = JSON.parse(record.body) as { marker: string; sentAt: number };
      console.log(JSON.stringify({ correlation_id: marker, at, sentAt }));
    } else if (record.dynamodb?.NewImage) {
      const image = record.dynamodb.NewImage;
      console.log(
        JSON.stringify({ correlation_id: image.pk?.S, at, sentAt: Number(image.sentAt?.N) }),
      );
    }
  }
  return { statusCode: 200, body: "ok" };
}
