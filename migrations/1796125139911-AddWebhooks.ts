import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddWebhooks1796125139911 implements MigrationInterface {
  name = 'AddWebhooks1796125139911';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "webhooks" ("id" text NOT NULL, "user_id" text NOT NULL, "url" text NOT NULL, "events" text array NOT NULL, "secret" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9e8795cfc899ab7bdaa831e8527" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "webhooks_user_id_idx" ON "webhooks"  ("user_id") `);
    await queryRunner.query(`CREATE TABLE "webhook_deliveries" ("id" text NOT NULL, "webhook_id" text NOT NULL, "event_id" text NOT NULL, "event_type" text NOT NULL, "body" text NOT NULL, "status" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "webhook_deliveries_webhook_id_idx" ON "webhook_deliveries"  ("webhook_id") `);
    await queryRunner.query(`CREATE TABLE "webhook_attempts" ("id" text NOT NULL, "delivery_id" text NOT NULL, "webhook_id" text NOT NULL, "attempt" integer NOT NULL, "manual" boolean NOT NULL DEFAULT false, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "duration_ms" integer NOT NULL, "status_code" integer, "error" text, "next_retry_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_2de7e7887ad97de459adab62638" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "webhook_attempts_delivery_id_idx" ON "webhook_attempts"  ("delivery_id") `);
    await queryRunner.query(`CREATE INDEX "webhook_attempts_webhook_started_idx" ON "webhook_attempts"  ("webhook_id", "started_at") `);
    await queryRunner.query(`ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_attempts" DROP CONSTRAINT "webhook_attempts_delivery_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_webhook_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "webhooks" DROP CONSTRAINT "webhooks_user_id_fkey"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_attempts_webhook_started_idx"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_attempts_delivery_id_idx"`);
    await queryRunner.query(`DROP TABLE "webhook_attempts"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_webhook_id_idx"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."webhooks_user_id_idx"`);
    await queryRunner.query(`DROP TABLE "webhooks"`);
  }
}
