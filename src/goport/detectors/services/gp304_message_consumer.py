"""GP304 message-consumer: message-broker consumer: a long-running network loop Go runs in
goroutines."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector, Match, NoMatch
from goport.detectors.syntax import (
    call_path,
    positional,
    string_value,
)
from goport.model import Category, Trait
from goport.walk.bindings import Bindings

_CONSUMER_CTORS = {
    "kafka.KafkaConsumer": "Kafka",
    "kafka.consumer.KafkaConsumer": "Kafka",
    "confluent_kafka.Consumer": "Kafka",
    "confluent_kafka.DeserializingConsumer": "Kafka",
    "confluent_kafka.avro.AvroConsumer": "Kafka",
    "aiokafka.AIOKafkaConsumer": "Kafka",
    "kombu.Consumer": "AMQP",
}

_SUBSCRIBERS = (
    "redis",
    "aioredis",
    "nats",
    "paho",
    "google.cloud.pubsub",
    "google.cloud.pubsub_v1",
)

_SQS = ("boto3", "botocore", "aiobotocore", "aioboto3")


class MessageConsumer(Detector):
    """Message-broker consumers: Kafka, RabbitMQ/AMQP, Redis pub/sub, NATS, MQTT, SQS.

    What it detects: creation of a Kafka consumer (``kafka.KafkaConsumer``,
    ``confluent_kafka.Consumer``, ``aiokafka.AIOKafkaConsumer``) or ``kombu.Consumer``; AMQP
    ``basic_consume`` and pika / aio_pika ``.consume(...)``; Redis ``.pubsub()``, and
    ``.subscribe``/``.psubscribe``/``.listen()`` on an object not already reported; NATS, MQTT and
    Google Pub/Sub ``.subscribe``; SQS ``receive_message(s)`` in a module importing boto3.
    Reported at the creation or subscribe call, once per consumer object.
    Why it matters for a Go port: a consumer is a long-running loop over network messages,
    usually with a worker pool behind it; in Go that is a goroutine per partition or a fixed pool
    reading a channel, with no GIL serialising the decoding and handling.
    Go idiom: ``segmentio/kafka-go`` or ``confluent-kafka-go`` readers, ``rabbitmq/amqp091-go``
    ``Channel.Consume`` (a Go channel of deliveries), ``redis/go-redis`` ``PubSub.Channel()``,
    ``nats.go`` subscriptions, AWS SDK v2 SQS long polling; a worker pool behind each.
    Known limits: a consumer object passed in from another module and only ``.subscribe``-d here
    is recognised only for Redis/NATS/MQTT/Pub-Sub imports; consumer wrappers of your own are
    not recognised.
    """

    USES = (Bindings,)
    ID = "GP304"
    NAME = "message-consumer"
    CATEGORY = Category.SERVICE
    WEIGHT = 2.5
    PYTHON = "KafkaConsumer / pika basic_consume / redis pubsub / SQS receive_message"
    GO_IDIOM = "kafka-go / amqp091-go / go-redis PubSub / nats.go reader feeding a worker pool"
    SUMMARY = "message-broker consumer: a long-running network loop Go runs in goroutines"
    TRAITS = (Trait.NETWORK, Trait.FEEDING)
    MATCHES = (
        Match(
            """
            from confluent_kafka import Consumer

            consumer = Consumer({'group.id': 'orders'})
            consumer.subscribe(['orders'])
            """,
            line=3,
        ),
        Match(
            """
            import pika

            def run(channel, on_message):
                channel.basic_consume(queue='jobs', on_message_callback=on_message)
                channel.start_consuming()
            """,
            line=4,
        ),
        Match(
            """
            import redis

            r = redis.Redis()
            p = r.pubsub()
            p.subscribe('events')
            for message in p.listen():
                print(message)
            """,
            line=4,
        ),
        Match(
            """
            import boto3
            sqs = boto3.client('sqs')

            def drain(url):
                resp = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)
                return resp.get('Messages', [])
            """,
            line=5,
        ),
        Match(
            """
            from aiokafka import AIOKafkaConsumer as KC

            async def main():
                c = KC('topic', bootstrap_servers='k:9092')
                await c.start()
            """,
            line=4,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            from kafka import KafkaProducer

            p = KafkaProducer()
            p.send('orders', b'x')
            """
        ),
        NoMatch(
            """
            import redis

            r = redis.Redis()
            r.publish('events', 'hello')
            """
        ),
        NoMatch(
            """
            class Subject:
                def subscribe(self, fn):
                    pass

            Subject().subscribe(print)
            """
        ),
        NoMatch(
            """
            import boto3
            sqs = boto3.client('sqs')
            sqs.send_message(QueueUrl='u', MessageBody='x')
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.bound = ctx.fact(Bindings)

    def _reported(self, receiver: cst.BaseExpression) -> bool:
        """The object was created by a consumer call that was already reported."""
        if isinstance(receiver, cst.Call):
            source = call_path(self.ctx, receiver)
        else:
            source = self.bound.of(receiver)
        return source is not None and (source in _CONSUMER_CTORS or source.endswith(".pubsub"))

    def leave_Call(self, node: cst.Call) -> None:
        func = node.func
        ctx = self.ctx
        if isinstance(func, cst.Name):
            name = ctx.callee(node)
            if name is not None and name in _CONSUMER_CTORS:
                self.report(node, f"{_CONSUMER_CTORS[name]} consumer {name}")
            return
        if not isinstance(func, cst.Attribute):
            return
        attr = func.attr.value
        if attr[:1].isupper():
            name = ctx.callee(node)
            if name in _CONSUMER_CTORS:
                self.report(node, f"{_CONSUMER_CTORS[name]} consumer {name}")
        elif attr == "basic_consume":
            self.report(node, "AMQP consumer basic_consume")
        elif attr == "consume":
            if ctx.imports_any("pika", "aio_pika"):
                self.report(node, "RabbitMQ consumer .consume()")
        elif attr == "pubsub":
            if ctx.imports_any("redis", "aioredis"):
                self.report(node, "Redis pub/sub consumer .pubsub()")
        elif attr in ("subscribe", "psubscribe", "ssubscribe", "pull_subscribe", "listen"):
            if self._reported(func.value):
                return
            if attr == "listen" and not ctx.imports_any("redis", "aioredis"):
                return
            if ctx.imports_any(*_SUBSCRIBERS):
                args = positional(node)
                subject = string_value(args[0]) if args else None
                detail = f" {subject}" if subject else ""
                self.report(node, f"pub/sub consumer .{attr}(){detail}")
        elif attr in ("receive_message", "receive_messages") and ctx.imports_any(*_SQS):
            self.report(node, f"SQS consumer .{attr}()")
